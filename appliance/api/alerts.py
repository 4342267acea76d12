"""The alert settings controller (admin only): /api/alerts, its settings, and a test message on every channel."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import Provide

from appliance.agent.payloads import decode
from appliance.alerts.service import AlertOverview, AlertService, AlertSettingsIn, TestResults
from appliance.api.agent import json_body
from appliance.api.body import read_small_json_body
from appliance.api.guards import authenticate_admin
from appliance.api.read import errors

SETTINGS_BODY_BYTES = 16 * 1024


async def provide_alert_service(request: Request[Any, Any, Any]) -> AlertService:
    return request.app.state.alert_service


class AlertsController(Controller):
    path = "/api/alerts"
    tags = ["alerts"]
    guards = [authenticate_admin]
    dependencies = {"alert_service": Provide(provide_alert_service)}

    @get("/", operation_id="getAlerts", responses=errors(401, 403, 429))
    async def overview(self, alert_service: AlertService) -> AlertOverview:
        """The alert settings in effect (never the SMTP password; the webhook URL cut to its host), which of them were
        saved on the status page (those win over the config file and environment), the configured channels, and the
        last 20 alert messages with their state (pending, sending, sent, uncertain, dropped) and last error.

        Authentication: an admin API key or an admin session.
        """
        return await alert_service.overview()

    @put(
        "/settings", operation_id="saveAlertSettings", operation_class=json_body(AlertSettingsIn),
        responses=errors(400, 401, 403, 413, 415, 429),
    )
    async def save(self, request: Request[Any, Any, Any], alert_service: AlertService) -> AlertOverview:
        """Store alert settings; fields left out keep their value. Stored values win over the config file and
        SENTRIKAT_* variables until removed with DELETE. An admin session must send X-CSRF-Token.

        Errors: 400 invalid value (field names it), 401, 403 csrf_failed or not an admin key, 413 over 16 KiB, 415, 429.
        """
        changes = decode(await read_small_json_body(request, SETTINGS_BODY_BYTES), AlertSettingsIn)
        await alert_service.save(changes)
        return await alert_service.overview()

    @delete("/settings", operation_id="resetAlertSettings", status_code=200, responses=errors(400, 401, 403, 429))
    async def reset(self, alert_service: AlertService) -> AlertOverview:
        """Remove every alert setting saved on the status page: the config file, environment and defaults apply again."""
        await alert_service.reset()
        return await alert_service.overview()

    @post("/test", operation_id="sendTestAlert", status_code=200, responses=errors(400, 401, 403, 429))
    async def test(self, alert_service: AlertService) -> TestResults:
        """Send one test message on every configured channel now and say, per channel, whether it went out
        and if not why (the SMTP or HTTP answer, or the network error). 400 no_alert_channel when none is configured.
        """
        return await alert_service.test()
