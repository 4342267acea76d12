"""Tests for appliance.feeds, on the real feed files in ../shared/feeds."""
