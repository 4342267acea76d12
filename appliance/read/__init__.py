"""The read side: status counts, assets and vulnerabilities for the read API and the status page."""
