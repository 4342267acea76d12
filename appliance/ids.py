"""Typed identifiers shared across the package (NewType, free at run time)."""

from typing import NewType

OrganizationId = NewType("OrganizationId", int)
AssetId = NewType("AssetId", int)
ApiKeyId = NewType("ApiKeyId", int)
CveId = NewType("CveId", str)
