"""Identify reported software as NVD products and find the CVEs that cover its version."""

from appliance.matching.base import ItemMatch, Matcher, MatchResult, SoftwareItem

__all__ = ["ItemMatch", "MatchResult", "Matcher", "SoftwareItem"]
