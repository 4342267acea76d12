"""Alerts: events written to an outbox with the change that caused them, sent once per channel by email and webhook."""

from appliance.alerts.base import AlertError, AlertMessage, AlertRules, Channel, ChannelError
from appliance.alerts.service import AlertService

__all__ = ["AlertError", "AlertMessage", "AlertRules", "AlertService", "Channel", "ChannelError"]
