"""Versioned schema migrations, applied in order; PRAGMA user_version records the last one applied."""

from __future__ import annotations

# Each entry upgrades the schema from version N to N+1 (N = its index). Never edit a
# released entry: append a new one, so that an upgraded binary migrates old databases.
MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: organizations, API keys, assets and their software.
    """
    CREATE TABLE organizations (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at  TEXT NOT NULL
    );
    INSERT INTO organizations (id, name, created_at)
        VALUES (1, 'Default', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

    CREATE TABLE api_keys (
        id               INTEGER PRIMARY KEY,
        organization_id  INTEGER NOT NULL REFERENCES organizations(id),
        name             TEXT NOT NULL DEFAULT '',
        prefix           TEXT NOT NULL,
        key_hash         BLOB NOT NULL UNIQUE,
        scopes           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        last_used_at     TEXT,
        revoked_at       TEXT
    );

    -- Hostnames are unique across organizations and compared without case, as DNS does.
    CREATE TABLE assets (
        id                   INTEGER PRIMARY KEY,
        organization_id      INTEGER NOT NULL REFERENCES organizations(id),
        hostname             TEXT NOT NULL UNIQUE COLLATE NOCASE,
        os                   TEXT NOT NULL DEFAULT 'Unknown',
        ip_address           TEXT,
        tags                 TEXT NOT NULL DEFAULT '[]',
        agent_version        TEXT,
        status               TEXT NOT NULL CHECK (status IN ('pending', 'active')),
        force_full_scan      INTEGER NOT NULL DEFAULT 0,
        first_seen           TEXT NOT NULL,
        last_seen            TEXT NOT NULL,
        last_full_report_at  TEXT,
        last_report_at       TEXT
    );
    CREATE INDEX assets_organization ON assets (organization_id);

    -- One row per installed (name, version) on an asset, with how the matcher identified it.
    CREATE TABLE software (
        id                INTEGER PRIMARY KEY,
        asset_id          INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        name              TEXT NOT NULL,
        version           TEXT NOT NULL,
        vendor            TEXT NOT NULL DEFAULT '',
        cpe               TEXT,
        match_cpe         TEXT,
        match_method      TEXT,
        match_score       REAL,
        unmatched_reason  TEXT,
        first_seen        TEXT NOT NULL,
        UNIQUE (asset_id, name, version)
    );

    -- What each report added to or removed from an asset's software list.
    CREATE TABLE software_changes (
        id        INTEGER PRIMARY KEY,
        asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        at        TEXT NOT NULL,
        change    TEXT NOT NULL CHECK (change IN ('added', 'removed')),
        name      TEXT NOT NULL,
        version   TEXT NOT NULL,
        vendor    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX software_changes_asset ON software_changes (asset_id, at);
    """,
    # 1 -> 2: CVE findings per installed item, and a key-value table for appliance state.
    """
    CREATE TABLE findings (
        id                 INTEGER PRIMARY KEY,
        asset_id           INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        software_id        INTEGER NOT NULL REFERENCES software(id) ON DELETE CASCADE,
        cve                TEXT NOT NULL,
        cvss               REAL,
        severity           TEXT,
        kev                INTEGER NOT NULL DEFAULT 0,
        kev_date_added     TEXT,
        kev_due_date       TEXT,
        kev_ransomware     TEXT,
        backport_possible  INTEGER NOT NULL DEFAULT 0,
        via                TEXT NOT NULL DEFAULT '',
        first_seen         TEXT NOT NULL,
        last_seen          TEXT NOT NULL,
        UNIQUE (software_id, cve)
    );
    CREATE INDEX findings_asset ON findings (asset_id);
    CREATE INDEX findings_cve ON findings (cve);
    ALTER TABLE software ADD COLUMN match_evidence TEXT;

    CREATE TABLE appliance_state (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    """,
    # 2 -> 3: scheduled job outcomes, and asset presence (online, offline, stale).
    """
    CREATE TABLE jobs (
        name           TEXT PRIMARY KEY,
        last_run_at    TEXT,
        last_duration  REAL,
        last_outcome   TEXT,
        last_error     TEXT,
        last_success_at TEXT
    );
    ALTER TABLE assets ADD COLUMN presence TEXT NOT NULL DEFAULT 'online';
    CREATE INDEX assets_last_seen ON assets (last_seen);
    """,
    # 3 -> 4: container images per asset and the vulnerabilities a scanner (Trivy) found in them.
    """
    -- One row per image on an asset, identified by (image_name, image_tag); image_id is the
    -- content digest of the last scan and changes when the tag is pulled or built anew.
    CREATE TABLE container_images (
        id               INTEGER PRIMARY KEY,
        asset_id         INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        image_name       TEXT NOT NULL,
        image_tag        TEXT NOT NULL DEFAULT '',
        image_id         TEXT NOT NULL DEFAULT '',
        repo_digests     TEXT NOT NULL DEFAULT '[]',
        artifact_name    TEXT NOT NULL DEFAULT '',
        artifact_type    TEXT NOT NULL DEFAULT '',
        os_family        TEXT,
        os_name          TEXT,
        scanner          TEXT NOT NULL,
        scanner_version  TEXT,
        first_seen       TEXT NOT NULL,
        last_scan_at     TEXT NOT NULL,
        UNIQUE (asset_id, image_name, image_tag)
    );

    -- One row per (vulnerability, package, installed version, target) in an image. A rescan
    -- that no longer reports a finding sets resolved_at; one that reports it again clears it.
    -- first_seen and triage (the admin's verdict) are never changed by a scan.
    CREATE TABLE container_findings (
        id                  INTEGER PRIMARY KEY,
        container_image_id  INTEGER NOT NULL REFERENCES container_images(id) ON DELETE CASCADE,
        asset_id            INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        vulnerability_id    TEXT NOT NULL,
        pkg_name            TEXT NOT NULL,
        installed_version   TEXT NOT NULL,
        target              TEXT NOT NULL,
        target_class        TEXT NOT NULL DEFAULT '',
        target_type         TEXT NOT NULL DEFAULT '',
        pkg_path            TEXT,
        purl                TEXT,
        fixed_version       TEXT,
        status              TEXT,
        severity            TEXT NOT NULL DEFAULT 'UNKNOWN',
        cvss                REAL,
        cvss_vector         TEXT,
        cvss_source         TEXT,
        title               TEXT,
        primary_url         TEXT,
        data_source         TEXT,
        kev                 INTEGER NOT NULL DEFAULT 0,
        kev_date_added      TEXT,
        kev_due_date        TEXT,
        kev_ransomware      TEXT,
        triage              TEXT NOT NULL DEFAULT 'open'
                            CHECK (triage IN ('open', 'accepted_risk', 'false_positive', 'fixed')),
        first_seen          TEXT NOT NULL,
        last_seen           TEXT NOT NULL,
        resolved_at         TEXT,
        UNIQUE (container_image_id, vulnerability_id, pkg_name, installed_version, target)
    );
    -- Open findings per asset (the per-asset read API), all findings of a CVE (/api/vulnerabilities),
    -- and open KEV findings (the status page lists them first).
    CREATE INDEX container_findings_asset ON container_findings (asset_id, resolved_at);
    CREATE INDEX container_findings_vulnerability ON container_findings (vulnerability_id);
    CREATE INDEX container_findings_open_kev ON container_findings (asset_id) WHERE kev = 1 AND resolved_at IS NULL;
    """,
    # 4 -> 5: admin accounts and sessions for the status page, and per-asset counts for the read API.
    """
    -- Admins log in to the status page with a password set by `sentrikat admin set-password`.
    -- password_hash is "scrypt$N$r$p$salt$hash" (base64 salt and hash), never the password.
    CREATE TABLE admin_users (
        id             INTEGER PRIMARY KEY,
        username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash  TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );

    -- A session is known by the SHA-256 of its cookie value, so a copy of the database does
    -- not hand out live sessions. csrf_token must accompany state-changing requests.
    CREATE TABLE admin_sessions (
        token_hash      BLOB PRIMARY KEY,
        user_id         INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        csrf_token      TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        expires_at      TEXT NOT NULL,
        client_address  TEXT
    );
    CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
    CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

    -- Counts per asset, kept by every write that changes an asset's software or findings
    -- (appliance/agent/summary.py), so the asset list and the status counts read 10,000 rows
    -- of assets instead of aggregating millions of software and finding rows per request.
    -- vulnerability_count and kev_count are distinct ids over host findings and open
    -- container findings; max_cvss is the highest score among them.
    ALTER TABLE assets ADD COLUMN software_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE assets ADD COLUMN matched_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE assets ADD COLUMN vulnerability_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE assets ADD COLUMN kev_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE assets ADD COLUMN max_cvss REAL;
    ALTER TABLE assets ADD COLUMN container_image_count INTEGER NOT NULL DEFAULT 0;
    UPDATE assets SET
        software_count = (SELECT COUNT(*) FROM software s WHERE s.asset_id = assets.id),
        matched_count = (SELECT COUNT(*) FROM software s WHERE s.asset_id = assets.id AND s.match_cpe IS NOT NULL),
        vulnerability_count = (SELECT COUNT(DISTINCT f.cve) FROM findings f WHERE f.asset_id = assets.id)
            + (SELECT COUNT(DISTINCT c.vulnerability_id) FROM container_findings c
               WHERE c.asset_id = assets.id AND c.resolved_at IS NULL
               AND c.vulnerability_id NOT IN (SELECT f.cve FROM findings f WHERE f.asset_id = assets.id)),
        kev_count = (SELECT COUNT(DISTINCT f.cve) FROM findings f WHERE f.asset_id = assets.id AND f.kev = 1)
            + (SELECT COUNT(DISTINCT c.vulnerability_id) FROM container_findings c
               WHERE c.asset_id = assets.id AND c.resolved_at IS NULL AND c.kev = 1
               AND c.vulnerability_id NOT IN (SELECT f.cve FROM findings f WHERE f.asset_id = assets.id AND f.kev = 1)),
        max_cvss = MAX(
            COALESCE((SELECT MAX(f.cvss) FROM findings f WHERE f.asset_id = assets.id), -1),
            COALESCE((SELECT MAX(c.cvss) FROM container_findings c WHERE c.asset_id = assets.id AND c.resolved_at IS NULL), -1)),
        container_image_count = (SELECT COUNT(*) FROM container_images i WHERE i.asset_id = assets.id);
    UPDATE assets SET max_cvss = NULL WHERE max_cvss < 0;

    -- The asset list's default order (KEV first), and the status page's top vulnerabilities (a
    -- covering index: findings grouped by CVE with their assets, KEV flags and scores).
    CREATE INDEX assets_kev_first ON assets (kev_count DESC, vulnerability_count DESC, hostname);
    CREATE INDEX findings_cve_assets ON findings (cve, asset_id, kev, cvss);
    """,
    # 5 -> 6: what agent 1.5 (the /inventory and /commands compatibility routes) tells us and is told.
    """
    -- The kernel release and the agent's own id (agent 1.5 sends both; our reports may too).
    ALTER TABLE assets ADD COLUMN kernel TEXT;
    ALTER TABLE assets ADD COLUMN agent_id TEXT;
    -- The scan interval (minutes) last sent to this asset in an update_config command, so the
    -- command is sent once per change of the scan_interval setting, not on every poll.
    ALTER TABLE assets ADD COLUMN commanded_scan_interval INTEGER;
    """,
    # 6 -> 7: fixed versions and undecided versions of host findings (appliance/matching/evaluate.py):
    # fixed_version is the upper bound of the NVD range that matched, fix_kind "fixed_in"
    # (versionEndExcluding), "fixed_after" (versionEndIncluding) or "none" (no upper bound);
    # version_unknown is 1 when the installed version could not decide the range. Rows written
    # before this step get "none"/0 until the next evaluation (every asset is re-evaluated when
    # a feed loads, and each report re-evaluates its asset).
    """
    ALTER TABLE findings ADD COLUMN fixed_version TEXT;
    ALTER TABLE findings ADD COLUMN fix_kind TEXT;
    ALTER TABLE findings ADD COLUMN version_unknown INTEGER NOT NULL DEFAULT 0;
    UPDATE findings SET fix_kind = 'none' WHERE fix_kind IS NULL;
    -- The top-vulnerabilities aggregate counts certain findings only; keep it index-only.
    DROP INDEX findings_cve_assets;
    CREATE INDEX findings_cve_assets ON findings (cve, asset_id, kev, cvss, version_unknown);
    """,
    # 7 -> 8: which API key each asset reports with, for "how many devices use this key" and recent enrollments.
    """
    -- The key of the last report (full or delta) or registration of the asset; NULL for assets
    -- stored before this step. Keys are revoked, never deleted, so the reference stays valid.
    ALTER TABLE assets ADD COLUMN api_key_id INTEGER REFERENCES api_keys(id);
    CREATE INDEX assets_api_key ON assets (api_key_id);
    -- "Devices that enrolled in the last hour" on the status page's Add a device view.
    CREATE INDEX assets_first_seen ON assets (first_seen);
    """,
    # 8 -> 9: alerts: the outbox of alertable events, per-channel send batches, settings saved in the status page.
    """
    -- The outbox: one row per alertable event, written in the transaction of the change that
    -- caused it (new finding rows, a presence change, a failed refresh). AUTOINCREMENT: ids are
    -- never reused, so a channel's cursor (the last event id it has batched) stays meaningful.
    -- dedupe_key stops a repeated condition (a refresh that keeps failing, a digest period)
    -- from being recorded twice. No foreign key to assets: an event outlives a deleted asset.
    CREATE TABLE alert_events (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        kind             TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        organization_id  INTEGER,
        asset_id         INTEGER,
        hostname         TEXT,
        cve              TEXT,
        cvss             REAL,
        detail           TEXT NOT NULL DEFAULT '{}',
        dedupe_key       TEXT UNIQUE
    );

    -- Per channel (email, webhook): the last event id already put into a batch.
    CREATE TABLE alert_channels (
        channel        TEXT PRIMARY KEY,
        last_event_id  INTEGER NOT NULL
    );

    -- One message per batch: the channel's events first_event_id..last_event_id. pending
    -- batches wait for next_attempt_at; sending means the send was started and not confirmed
    -- (found at startup, it becomes uncertain and is never sent again); sent is final.
    CREATE TABLE alert_batches (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        channel          TEXT NOT NULL,
        first_event_id   INTEGER NOT NULL,
        last_event_id    INTEGER NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'uncertain', 'dropped')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        sent_at          TEXT,
        last_error       TEXT
    );
    CREATE INDEX alert_batches_open ON alert_batches (channel, state);

    -- Alert settings an admin saved on the status page; they win over file and environment.
    CREATE TABLE alert_settings (
        name        TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );

    -- When a job's current run of failures began (NULL while it succeeds): a refresh failing
    -- for longer than alert_refresh_failing_after is alerted once per run of failures.
    ALTER TABLE jobs ADD COLUMN failing_since TEXT;
    """,
    # 9 -> 10: the optional per-item hints of the agent API (our extension): the inventory source and
    # the macOS bundle id, kept so that a re-evaluation identifies the item as the report did.
    """
    ALTER TABLE software ADD COLUMN source TEXT NOT NULL DEFAULT '';
    ALTER TABLE software ADD COLUMN bundle_id TEXT NOT NULL DEFAULT '';
    """,
    # 10 -> 11: one more optional hint (our extension): the distribution source package of a dpkg,
    # rpm or apk item, kept so that a re-evaluation after a feed change still reads it.
    """
    ALTER TABLE software ADD COLUMN source_package TEXT NOT NULL DEFAULT '';
    """,
    # 11 -> 12: an admin's triage of a container finding gets its comment, who set it and when
    # (PUT /api/container-findings/{id}/triage). Rows triaged before have none; a rescan that still
    # reports a finding triaged 'fixed' puts it back to 'open' with triage_by 'scan'.
    """
    ALTER TABLE container_findings ADD COLUMN triage_comment TEXT NOT NULL DEFAULT '';
    ALTER TABLE container_findings ADD COLUMN triage_by TEXT;
    ALTER TABLE container_findings ADD COLUMN triage_at TEXT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
