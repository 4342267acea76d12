<#
.SYNOPSIS
SentriKat agent for Windows: sends this computer's installed programs to a SentriKat appliance.

.DESCRIPTION
Windows PowerShell 5.1 and PowerShell 7; nothing to install. A full list the first time,
afterwards only what changed, plus a heartbeat. What leaves this computer: its name, the
Windows edition, version and build, and per installed program its DisplayName, DisplayVersion
and Publisher from the Uninstall registry keys (source "windows_program"). Nothing else.
Design notes: docs/agents.md in the SentriKat repository. This script has been checked with a
PowerShell parser in CI, but not executed there (CI has no Windows).

.PARAMETER Server
The appliance, e.g. https://192.168.1.10:8443
.PARAMETER Key
Agent key (sk_agent_...); or the SENTRIKAT_AGENT_KEY environment variable.
.PARAMETER Once
One run: inventory report and heartbeat, then exit (0 on success).
.PARAMETER Scheduled
One scheduled run (what the installed task runs): heartbeat, and an inventory report when the
appliance's scan interval has passed or it asks for a full scan.
.PARAMETER StateDir
Where the last sent inventory, the state and the log are kept.
.PARAMETER Fingerprint
Pin the appliance's certificate: SHA-256 of its DER form, hex, colons optional.
.PARAMETER CaFile
Trust the CA or certificate in this file (PEM or DER).
.PARAMETER AllowHttp
Allow a plain http:// server URL (refused otherwise).
.PARAMETER Install
Install: copy this script to Program Files, store the settings in ProgramData readable only by
SYSTEM and Administrators, register a scheduled task that runs as SYSTEM every 10 minutes, and
run once right away.
.PARAMETER Uninstall
Remove the task, the script, the settings, the state and the log.
.PARAMETER Config
Read Server, Key, Fingerprint, CaFile, AllowHttp, StateDir, Hostname from this JSON file
(what -Install writes).
.PARAMETER Hostname
Report under this name instead of the computer's name.
.EXAMPLE
powershell -ExecutionPolicy Bypass -File sentrikat-agent.ps1 -Install -Server https://192.168.1.10:8443 -Key sk_agent_... -Fingerprint AB:CD:...
#>
[CmdletBinding()]
param(
    [string]$Server,
    [string]$Key,
    [switch]$Once,
    [switch]$Scheduled,
    [string]$StateDir,
    [string]$Fingerprint,
    [string]$CaFile,
    [switch]$AllowHttp,
    [switch]$Install,
    [switch]$Uninstall,
    [string]$Config,
    [string]$Hostname,
    [switch]$Help
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$AgentVersion = '1.0.0'
$TaskName = 'SentriKat Agent'
$EventSource = 'SentriKat Agent'
$InstallDir = Join-Path $env:ProgramFiles 'SentriKat'
$DataDir = Join-Path $env:ProgramData 'SentriKat'
$Retries = 4
$RetryDelay = 5
$TimeoutSeconds = 120
$MaxRetryAfter = 900
$DefaultScanInterval = 86400
$LogMaxBytes = 1048576
$LogKeep = 3

# ------------------------------------------------------------------------------ messages

$script:LogFile = $null

function Write-AgentLog([string]$Level, [string]$Message) {
    # One line to the log file (rotated past LogMaxBytes, LogKeep old files) and the Application event log.
    if ($script:LogFile) {
        try {
            if ((Test-Path -LiteralPath $script:LogFile) -and (Get-Item -LiteralPath $script:LogFile).Length -gt $LogMaxBytes) {
                for ($n = $LogKeep; $n -gt 1; $n--) {
                    $older = "$($script:LogFile).$($n - 1)"
                    if (Test-Path -LiteralPath $older) { Move-Item -LiteralPath $older -Destination "$($script:LogFile).$n" -Force }
                }
                Move-Item -LiteralPath $script:LogFile -Destination "$($script:LogFile).1" -Force
            }
            $stamp = [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ')
            Add-Content -LiteralPath $script:LogFile -Value "$stamp $Level $Message" -Encoding UTF8
        } catch {
            Write-Verbose "cannot write the log: $_"
        }
    }
    try {
        if ([System.Diagnostics.EventLog]::SourceExists($EventSource)) {
            $type = switch ($Level) {
                'error' { [System.Diagnostics.EventLogEntryType]::Error }
                'warning' { [System.Diagnostics.EventLogEntryType]::Warning }
                default { [System.Diagnostics.EventLogEntryType]::Information }
            }
            [System.Diagnostics.EventLog]::WriteEntry($EventSource, $Message, $type)
        }
    } catch {
        Write-Verbose "cannot write the event log: $_"
    }
}

function Stop-Agent([string]$Message, [int]$ExitCode = 1) {
    # A failure a user can cause or fix: one line on stderr, this exit status (2 wrong usage, 1 other).
    $problem = New-Object System.Exception -ArgumentList $Message
    $problem.Data['SentriKatExitCode'] = $ExitCode
    throw $problem
}

# ------------------------------------------------------------------------------ collection

function Test-ReportableProgram {
    <#
    The registry filtering rules, written once (documented in README "Adding devices" and
    docs/agents.md). An Uninstall entry is reported when all hold:
      1. DisplayName is present and not blank (entries without one are not shown in "Apps" /
         "Programs and Features" either: installer leftovers, internal components);
      2. SystemComponent is not 1 (a component that its parent product lists for it);
      3. ParentKeyName is absent (an update or add-on of another entry);
      4. ReleaseType is not an update or hotfix ("Update", "Security Update", "Hotfix", any case).
    #>
    param([Parameter(Mandatory = $true)][hashtable]$Entry)
    if ([string]::IsNullOrWhiteSpace([string]$Entry['DisplayName'])) { return $false }
    if ([string]$Entry['SystemComponent'] -eq '1') { return $false }
    if (-not [string]::IsNullOrEmpty([string]$Entry['ParentKeyName'])) { return $false }
    if ([string]$Entry['ReleaseType'] -match 'update|hotfix') { return $false }
    return $true
}

function Get-UninstallRoots {
    # HKLM in both registry views (64-bit, and WOW6432Node for 32-bit programs), and every
    # loaded user hive under HKU (the users logged on, or whose profile a service loaded).
    # RegistryView.Registry64 reads the 64-bit view even from a 32-bit PowerShell.
    $path = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'
    $roots = New-Object System.Collections.Generic.List[object]
    foreach ($view in [Microsoft.Win32.RegistryView]::Registry64, [Microsoft.Win32.RegistryView]::Registry32) {
        $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $view)
        $roots.Add(@{ Base = $base; Path = $path; Label = "HKLM ($view)" })
    }
    $users = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::Users, [Microsoft.Win32.RegistryView]::Registry64)
    foreach ($sid in $users.GetSubKeyNames()) {
        if ($sid -like '*_Classes') { continue }
        $roots.Add(@{ Base = $users; Path = "$sid\$path"; Label = "HKU\$sid" })
        $roots.Add(@{ Base = $users; Path = "$sid\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall"; Label = "HKU\$sid (32-bit)" })
    }
    return $roots
}

function ConvertTo-CleanText([object]$Value) {
    # The appliance refuses control characters in names; they become spaces, ends are trimmed.
    if ($null -eq $Value) { return '' }
    return ([regex]::Replace([string]$Value, '[\x00-\x1f\x7f]', ' ')).Trim()
}

function Get-InstalledPrograms {
    $seen = New-Object 'System.Collections.Generic.HashSet[string]'
    $items = New-Object System.Collections.Generic.List[object]
    foreach ($root in Get-UninstallRoots) {
        $uninstall = $null
        try { $uninstall = $root.Base.OpenSubKey($root.Path) } catch { $uninstall = $null }
        if ($null -eq $uninstall) { continue }
        foreach ($name in $uninstall.GetSubKeyNames()) {
            $sub = $null
            try { $sub = $uninstall.OpenSubKey($name) } catch { $sub = $null }
            if ($null -eq $sub) { continue }
            $entry = @{}
            foreach ($value in 'DisplayName', 'DisplayVersion', 'Publisher', 'SystemComponent', 'ParentKeyName', 'ReleaseType') {
                $entry[$value] = $sub.GetValue($value)
            }
            $sub.Close()
            if (-not (Test-ReportableProgram -Entry $entry)) { continue }
            $item = [ordered]@{
                name    = ConvertTo-CleanText $entry['DisplayName']
                version = ConvertTo-CleanText $entry['DisplayVersion']
                vendor  = ConvertTo-CleanText $entry['Publisher']
                source  = 'windows_program'
            }
            # One item per (name, version), as the appliance counts them; the first one wins.
            if ($seen.Add("$($item.name)`t$($item.version)")) { $items.Add($item) }
        }
        $uninstall.Close()
    }
    return , $items.ToArray()
}

function Get-OsName {
    # ProductName still says "Windows 10" on Windows 11 (Microsoft never changed the value);
    # build 22000 and later is Windows 11.
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    $nt = $base.OpenSubKey('SOFTWARE\Microsoft\Windows NT\CurrentVersion')
    if ($null -eq $nt) { return 'Windows' }
    $product = [string]$nt.GetValue('ProductName')
    $display = [string]$nt.GetValue('DisplayVersion')
    if (-not $display) { $display = [string]$nt.GetValue('ReleaseId') }
    $build = [string]$nt.GetValue('CurrentBuild')
    $ubr = $nt.GetValue('UBR')
    $nt.Close()
    $buildNumber = 0
    if ([int]::TryParse($build, [ref]$buildNumber) -and $buildNumber -ge 22000 -and $product -like 'Windows 10*') {
        $product = 'Windows 11' + $product.Substring(10)
    }
    $text = $product
    if ($display) { $text += " $display" }
    if ($build) {
        $text += " (build $build"
        if ($null -ne $ubr) { $text += ".$ubr" }
        $text += ')'
    }
    return $text
}

# ------------------------------------------------------------------------------ HTTP

$TlsSource = @'
using System;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

public static class SentriKatTls
{
    // Pin: SHA-256 of the certificate's DER form, upper-case hex without colons; null when not pinning.
    public static string Pin;
    // Ca: the certificate from -CaFile; null when not given.
    public static X509Certificate2 Ca;
    // What the last server presented, for the error message.
    public static string LastSeen;
    public static RemoteCertificateValidationCallback Callback = Validate;

    public static bool Validate(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
    {
        if (certificate == null) return false;
        using (SHA256 sha = SHA256.Create())
        {
            LastSeen = BitConverter.ToString(sha.ComputeHash(certificate.GetRawCertData())).Replace("-", "");
        }
        if (Pin != null && !string.Equals(LastSeen, Pin, StringComparison.OrdinalIgnoreCase)) return false;
        if (Ca != null)
        {
            X509Chain own = new X509Chain();
            own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            own.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            own.ChainPolicy.ExtraStore.Add(Ca);
            if (!own.Build(new X509Certificate2(certificate))) return false;
            X509Certificate2 top = own.ChainElements[own.ChainElements.Count - 1].Certificate;
            if (top.Thumbprint != Ca.Thumbprint) return false;
            return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None || Pin != null;
        }
        if (Pin != null) return true;
        return errors == SslPolicyErrors.None;
    }
}
'@

function Initialize-Tls {
    if (-not ('SentriKatTls' -as [type])) { Add-Type -TypeDefinition $TlsSource }
    if ($PSVersionTable.PSVersion.Major -lt 6) {
        # .NET Framework may default to TLS 1.0; PowerShell 7 uses the OS defaults (1.2, 1.3).
        try {
            [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor [System.Net.SecurityProtocolType]::Tls12
        } catch {
            Write-Verbose "TLS 1.2 could not be enabled: $_"
        }
    }
    [SentriKatTls]::Pin = $null
    [SentriKatTls]::Ca = $null
    if ($script:Settings.Fingerprint) { [SentriKatTls]::Pin = $script:Settings.Fingerprint }
    if ($script:Settings.CaFile) {
        $text = [System.IO.File]::ReadAllText($script:Settings.CaFile)
        $match = [regex]::Match($text, '-----BEGIN CERTIFICATE-----(?<body>[^-]+)-----END CERTIFICATE-----')
        if ($match.Success) {
            $bytes = [Convert]::FromBase64String(($match.Groups['body'].Value -replace '\s', ''))
        } else {
            $bytes = [System.IO.File]::ReadAllBytes($script:Settings.CaFile)
        }
        [SentriKatTls]::Ca = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList (, $bytes)
    }
}

function Invoke-Once([string]$Method, [string]$Path, [byte[]]$Body) {
    # One request; answers @{ Status; Text; RetryAfter; Error }. Status 0 means no answer.
    $request = [System.Net.HttpWebRequest][System.Net.WebRequest]::Create($script:Settings.Server + $Path)
    $request.Method = $Method
    $request.Timeout = $TimeoutSeconds * 1000
    $request.ReadWriteTimeout = $TimeoutSeconds * 1000
    $request.AllowAutoRedirect = $false
    $request.UserAgent = "SentriKat-Appliance-Agent/$AgentVersion (Windows)"
    $request.Headers.Add('X-Agent-Key', $script:Settings.Key)
    if ($script:Settings.Server.StartsWith('https://')) {
        $request.ServerCertificateValidationCallback = [SentriKatTls]::Callback
        [SentriKatTls]::LastSeen = $null
    }
    $response = $null
    try {
        if ($null -ne $Body) {
            $request.ContentType = 'application/json'
            $request.Headers.Add('Content-Encoding', 'gzip')
            $request.ContentLength = $Body.Length
            $stream = $request.GetRequestStream()
            $stream.Write($Body, 0, $Body.Length)
            $stream.Close()
        }
        $response = $request.GetResponse()
    } catch {
        $problem = $_.Exception
        while ($null -ne $problem -and -not ($problem -is [System.Net.WebException])) { $problem = $problem.InnerException }
        if ($null -ne $problem -and $null -ne $problem.Response) {
            $response = $problem.Response
        } else {
            $message = $_.Exception.Message
            if ($null -ne $problem) { $message = $problem.Message }
            # Certificate failures are not retried (.NET Framework says TrustFailure, .NET 5+ often
            # SecureChannelFailure); a presented certificate other than the pinned one says so.
            $trust = $null -ne $problem -and ($problem.Status -eq [System.Net.WebExceptionStatus]::TrustFailure -or
                $problem.Status -eq [System.Net.WebExceptionStatus]::SecureChannelFailure)
            if ([SentriKatTls]::Pin -and [SentriKatTls]::LastSeen -and [SentriKatTls]::LastSeen -ne [SentriKatTls]::Pin) {
                $trust = $true
                $message = "certificate fingerprint mismatch: the server presents $([SentriKatTls]::LastSeen), expected $([SentriKatTls]::Pin) (refusing to send anything)"
            }
            return @{ Status = 0; Text = ''; RetryAfter = $null; Error = $message; Trust = $trust }
        }
    }
    try {
        $reader = [System.IO.StreamReader]::new($response.GetResponseStream(), [System.Text.Encoding]::UTF8)
        $text = $reader.ReadToEnd()
        $reader.Close()
        return @{ Status = [int]$response.StatusCode; Text = $text; RetryAfter = $response.Headers['Retry-After']; Error = $null; Trust = $false }
    } finally {
        $response.Close()
    }
}

function Invoke-Agent([string]$Method, [string]$Path, [byte[]]$Body) {
    # With the retry rules: network errors and 5xx RETRIES attempts, waiting RetryDelay, then 3x,
    # 9x... plus jitter; 429 waits Retry-After plus up to a tenth more (at least 1 s), at most 5
    # times. Certificate failures are not retried. Throws when it gives up.
    $attempt = 1
    $limited = 0
    $delay = $RetryDelay
    while ($true) {
        $answer = Invoke-Once $Method $Path $Body
        $status = $answer.Status
        if ($status -eq 0 -or $status -ge 500) {
            if ($status -eq 0) { $why = "no answer ($($answer.Error))" } else { $why = "HTTP $status $($answer.Text)" }
            if ($answer.Trust -or $attempt -ge $Retries) {
                Write-AgentLog 'warning' "$Method ${Path}: $why; giving up after $attempt attempts"
                Stop-Agent "$($script:Settings.Server): $why"
            }
            $wait = $delay + (Get-Random -Minimum 0 -Maximum ([int]($delay / 2) + 1))
            Write-AgentLog 'warning' "$Method ${Path}: $why; attempt $attempt of $Retries, retrying in $wait s"
            Start-Sleep -Seconds $wait
            $attempt++
            $delay *= 3
            continue
        }
        if ($status -eq 429) {
            $after = 60
            $parsed = 0
            if ($answer.RetryAfter -and [int]::TryParse([string]$answer.RetryAfter, [ref]$parsed)) { $after = $parsed }
            $limited++
            if ($limited -gt 5 -or $after -gt $MaxRetryAfter) {
                Write-AgentLog 'warning' "$Method ${Path}: rate limited (Retry-After $after s); giving up until the next run"
                Stop-Agent "$($script:Settings.Server): rate limited, Retry-After $after s"
            }
            $jitter = Get-Random -Minimum 0 -Maximum ([int]($after / 10) + 2)
            Write-AgentLog 'info' "$Method ${Path}: rate limited; waiting Retry-After $after s + $jitter s"
            Start-Sleep -Seconds ($after + $jitter)
            continue
        }
        return $answer
    }
}

function ConvertTo-GzipJson([object]$Value) {
    $json = ConvertTo-Json -InputObject $Value -Depth 6 -Compress
    $bytes = (New-Object System.Text.UTF8Encoding -ArgumentList $false).GetBytes($json)
    $memory = New-Object System.IO.MemoryStream
    $gzip = New-Object System.IO.Compression.GZipStream -ArgumentList $memory, ([System.IO.Compression.CompressionMode]::Compress)
    $gzip.Write($bytes, 0, $bytes.Length)
    $gzip.Close()
    return , $memory.ToArray()
}

function Get-AnswerError($Answer) {
    $code = 'error'
    $message = $Answer.Text
    try {
        $parsed = $Answer.Text | ConvertFrom-Json
        $code = $parsed.error
        $message = $parsed.message
    } catch {
        Write-Verbose 'the error answer is not JSON'
    }
    return "HTTP $($Answer.Status) ${code}: $message"
}

# ------------------------------------------------------------------------------ state

function Get-UnixTime {
    # Seconds since 1970 (DateTimeOffset.ToUnixTimeSeconds needs .NET 4.6, older PS 5.1 hosts lack it).
    return [int64]([DateTime]::UtcNow - [DateTime]::new(1970, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)).TotalSeconds
}

$script:State = @{ last_scan = 0; scan_interval = $DefaultScanInterval; force_full_scan = $false }

function Write-FileAtomically([string]$Path, [string]$Text) {
    # A temporary file in the same folder, then File.Replace (or Move): never half-written.
    $temporary = "$Path.tmp"
    [System.IO.File]::WriteAllText($temporary, $Text, (New-Object System.Text.UTF8Encoding -ArgumentList $false))
    if (Test-Path -LiteralPath $Path) {
        [System.IO.File]::Replace($temporary, $Path, $null)
    } else {
        [System.IO.File]::Move($temporary, $Path)
    }
}

function Read-State {
    $file = Join-Path $script:Settings.StateDir 'agent.json'
    if (Test-Path -LiteralPath $file) {
        $saved = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
        foreach ($name in 'last_scan', 'scan_interval', 'force_full_scan') {
            if ($null -ne $saved.PSObject.Properties[$name]) { $script:State[$name] = $saved.$name }
        }
    }
}

function Save-State {
    Write-FileAtomically (Join-Path $script:Settings.StateDir 'agent.json') (ConvertTo-Json -InputObject $script:State -Compress)
}

function Read-Inventory {
    $file = Join-Path $script:Settings.StateDir 'inventory.json'
    if (-not (Test-Path -LiteralPath $file)) { return $null }
    # Windows PowerShell 5.1 writes a parsed JSON array as one object: assign first, then @().
    $parsed = ConvertFrom-Json -InputObject (Get-Content -LiteralPath $file -Raw -Encoding UTF8)
    return , @($parsed)
}

function Save-Inventory([object[]]$Items) {
    Write-FileAtomically (Join-Path $script:Settings.StateDir 'inventory.json') (ConvertTo-Json -InputObject @($Items) -Depth 4 -Compress)
}

function Get-ItemKey($Item) { return "$($Item.name)`t$($Item.version)`t$($Item.vendor)`t$($Item.source)" }

function Read-ConfigAnswer($Parsed) {
    # scan_interval and force_full_scan from a heartbeat's "config" or a config answer.
    if ($null -ne $Parsed.PSObject.Properties['scan_interval'] -and [int64]$Parsed.scan_interval -gt 0) {
        $script:State.scan_interval = [int64]$Parsed.scan_interval
    }
    if ($null -ne $Parsed.PSObject.Properties['force_full_scan']) { $script:State.force_full_scan = [bool]$Parsed.force_full_scan }
}

# ------------------------------------------------------------------------------ reports

function Send-FullReport([object[]]$Items) {
    $body = [ordered]@{ hostname = $script:AgentHost; os = $script:OsName; agent_version = $AgentVersion; software = @($Items) }
    $answer = Invoke-Agent 'POST' '/api/agent/report' (ConvertTo-GzipJson $body)
    if ($answer.Status -ne 200) { Stop-Agent "full report refused: $(Get-AnswerError $answer)" }
    Save-Inventory $Items
    $parsed = $answer.Text | ConvertFrom-Json
    $script:State.last_scan = (Get-UnixTime)
    $script:State.force_full_scan = $false
    Save-State
    $script:Result = "full report accepted: $($Items.Count) items (asset $($parsed.asset_id), $($parsed.vulnerabilities_found) vulnerabilities)"
    Write-AgentLog 'info' $script:Result
}

function Send-DeltaReport([object[]]$Items, [object[]]$Previous) {
    # What changed since the inventory the appliance last accepted. 400 full_report_required, or
    # an answer saying the pictures diverged (force_full_scan), gets a full report at once.
    $before = @{}
    foreach ($item in $Previous) { $before[(Get-ItemKey $item)] = $item }
    $now = @{}
    foreach ($item in $Items) { $now[(Get-ItemKey $item)] = $item }
    $added = @($Items | Where-Object { -not $before.ContainsKey((Get-ItemKey $_)) })
    $removed = @($Previous | Where-Object { -not $now.ContainsKey((Get-ItemKey $_)) })
    $body = [ordered]@{
        hostname = $script:AgentHost; os = $script:OsName; agent_version = $AgentVersion
        delta = $true; software_added = $added; software_removed = $removed
    }
    $answer = Invoke-Agent 'POST' '/api/agent/report' (ConvertTo-GzipJson $body)
    if ($answer.Status -eq 400 -and $answer.Text -match '"error"\s*:\s*"full_report_required"') {
        Write-AgentLog 'info' "the appliance has no full report for $($script:AgentHost) (full_report_required); sending one"
        Send-FullReport $Items
        return
    }
    if ($answer.Status -ne 200) { Stop-Agent "delta report refused: $(Get-AnswerError $answer)" }
    Save-Inventory $Items
    $script:State.last_scan = (Get-UnixTime)
    Save-State
    $script:Result = "delta report accepted: $($added.Count) added, $($removed.Count) removed"
    Write-AgentLog 'info' $script:Result
    $parsed = $answer.Text | ConvertFrom-Json
    if ($null -ne $parsed.PSObject.Properties['force_full_scan'] -and $parsed.force_full_scan) {
        Write-AgentLog 'info' "the appliance's list differs from this agent's; sending a full report"
        Send-FullReport $Items
    }
}

function Send-Report {
    $items = Get-InstalledPrograms
    $previous = Read-Inventory
    if ($null -eq $previous -or $script:State.force_full_scan) {
        Send-FullReport $items
    } else {
        Send-DeltaReport $items $previous
    }
}

function Send-Heartbeat {
    $answer = Invoke-Agent 'POST' '/api/agent/heartbeat' (ConvertTo-GzipJson ([ordered]@{ hostname = $script:AgentHost; agent_version = $AgentVersion }))
    if ($answer.Status -ne 200) { Stop-Agent "heartbeat refused: $(Get-AnswerError $answer)" }
    Read-ConfigAnswer (($answer.Text | ConvertFrom-Json).config)
    Save-State
    Write-AgentLog 'info' "heartbeat ok (scan_interval $($script:State.scan_interval) s, force_full_scan $($script:State.force_full_scan))"
}

function Get-ServerConfig {
    $answer = Invoke-Agent 'GET' ('/api/agent/config?hostname=' + [uri]::EscapeDataString($script:AgentHost)) $null
    if ($answer.Status -ne 200) { Stop-Agent "config refused: $(Get-AnswerError $answer)" }
    Read-ConfigAnswer ($answer.Text | ConvertFrom-Json)
    Save-State
}

function Invoke-OnceRun {
    Send-Report
    Send-Heartbeat
    if ($script:State.force_full_scan) {
        Write-AgentLog 'info' 'the appliance asks for a full scan'
        Send-Report
    }
    Write-Output "sentrikat-agent: $($script:Result)"
}

function Invoke-ScheduledRun {
    # Heartbeat every run; an inventory when the scan interval has passed (re-read from the
    # config endpoint first) or the appliance asks for one.
    Send-Heartbeat
    $due = ($null -eq (Read-Inventory)) -or $script:State.force_full_scan
    $elapsed = (Get-UnixTime) - [int64]$script:State.last_scan
    if (-not $due -and $elapsed -ge $script:State.scan_interval) {
        Get-ServerConfig
        $elapsed = (Get-UnixTime) - [int64]$script:State.last_scan
        $due = ($elapsed -ge $script:State.scan_interval) -or $script:State.force_full_scan
    }
    if ($due) { Send-Report }
}

# ------------------------------------------------------------------------------ settings

function Resolve-Settings {
    $settings = @{
        Server = $Server; Key = $Key; Fingerprint = $Fingerprint; CaFile = $CaFile; AllowHttp = [bool]$AllowHttp
        StateDir = $StateDir; Hostname = $Hostname
    }
    if ($Config) {
        if (-not (Test-Path -LiteralPath $Config)) { Stop-Agent "cannot read config file $Config" }
        $saved = Get-Content -LiteralPath $Config -Raw | ConvertFrom-Json
        foreach ($name in 'Server', 'Key', 'Fingerprint', 'CaFile', 'StateDir', 'Hostname') {
            if (-not $settings[$name] -and $null -ne $saved.PSObject.Properties[$name]) { $settings[$name] = [string]$saved.$name }
        }
        if ($null -ne $saved.PSObject.Properties['AllowHttp'] -and $saved.AllowHttp) { $settings.AllowHttp = $true }
    }
    if (-not $settings.Key -and $env:SENTRIKAT_AGENT_KEY) { $settings.Key = $env:SENTRIKAT_AGENT_KEY }
    if (-not $settings.Server) { Stop-Agent '-Server URL is required (see -Help)' 2 }
    if (-not $settings.Key) { Stop-Agent '-Key KEY is required (see -Help)' 2 }
    if ($settings.Key -notmatch '^[A-Za-z0-9_-]+$') { Stop-Agent 'the key holds characters an agent key never has' 2 }
    $settings.Server = $settings.Server.TrimEnd('/')
    if ($settings.Server -match '^http://') {
        if (-not $settings.AllowHttp) { Stop-Agent 'refusing plain http:// (the key and inventory would cross the network readable); use https:// or add -AllowHttp' 2 }
    } elseif ($settings.Server -notmatch '^https://') {
        Stop-Agent "-Server must start with https:// (or http:// with -AllowHttp): $($settings.Server)" 2
    }
    if ($settings.Fingerprint) {
        $settings.Fingerprint = ($settings.Fingerprint -replace ':', '').ToUpperInvariant()
        if ($settings.Fingerprint -notmatch '^[0-9A-F]{64}$') { Stop-Agent '-Fingerprint must be 64 hex digits (SHA-256 of the certificate)' 2 }
    }
    if ($settings.CaFile -and -not (Test-Path -LiteralPath $settings.CaFile)) { Stop-Agent "cannot read -CaFile $($settings.CaFile)" 2 }
    if (-not $settings.StateDir) {
        if (Test-Administrator) { $settings.StateDir = Join-Path $DataDir 'state' } else { $settings.StateDir = Join-Path $env:LOCALAPPDATA 'SentriKat' }
    }
    if (-not $settings.Hostname) { $settings.Hostname = [System.Net.Dns]::GetHostName() }
    return $settings
}

function Test-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    return (New-Object System.Security.Principal.WindowsPrincipal -ArgumentList $identity).IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Protect-Folder([string]$Path) {
    # Only SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544), inherited by everything inside;
    # SIDs rather than names, which are translated on non-English Windows.
    & icacls.exe $Path /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
    if ($LASTEXITCODE -ne 0) { Stop-Agent "could not restrict the permissions of $Path" }
}

# ------------------------------------------------------------------------------ install

function Install-Agent {
    if (-not (Test-Administrator)) { Stop-Agent '-Install needs an administrator PowerShell' }
    $settings = Resolve-Settings
    if (-not $PSCommandPath) { Stop-Agent '-Install needs the script as a file (download it, then run it with -Install)' }
    New-Item -ItemType Directory -Force -Path $InstallDir, $DataDir | Out-Null
    Protect-Folder $DataDir
    $script = Join-Path $InstallDir 'sentrikat-agent.ps1'
    if ($PSCommandPath -ne $script) { Copy-Item -LiteralPath $PSCommandPath -Destination $script -Force }
    $stateDir = Join-Path $DataDir 'state'
    New-Item -ItemType Directory -Force -Path $stateDir | Out-Null
    $configFile = Join-Path $DataDir 'agent.json'
    $saved = [ordered]@{ Server = $settings.Server; Key = $settings.Key; StateDir = $stateDir }
    if ($settings.Fingerprint) { $saved.Fingerprint = $settings.Fingerprint }
    if ($settings.CaFile) { $saved.CaFile = $settings.CaFile }
    if ($settings.AllowHttp) { $saved.AllowHttp = $true }
    if ($Hostname) { $saved.Hostname = $Hostname }
    Write-FileAtomically $configFile (ConvertTo-Json -InputObject $saved)
    try {
        if (-not [System.Diagnostics.EventLog]::SourceExists($EventSource)) {
            [System.Diagnostics.EventLog]::CreateEventSource($EventSource, 'Application')
        }
    } catch {
        Write-Verbose "no event log source: $_"
    }
    $arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" -Config `"$configFile`" -Scheduled"
    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $arguments
    $every = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(2) -RepetitionInterval (New-TimeSpan -Minutes 10)
    $boot = New-ScheduledTaskTrigger -AtStartup
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $options = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 1)
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $every, $boot -Principal $principal -Settings $options -Force | Out-Null
    # First run right away, so the device shows up now.
    & powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $script -Config $configFile -Once
    if ($LASTEXITCODE -ne 0) { Stop-Agent 'installed, but the first run failed (see above); the scheduled task will retry' }
    Write-Output "sentrikat-agent: installed (scheduled task '$TaskName' as SYSTEM); settings in $configFile, log in $stateDir\agent.log"
}

function Uninstall-Agent {
    if (-not (Test-Administrator)) { Stop-Agent '-Uninstall needs an administrator PowerShell' }
    if (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue) {
        Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
    }
    foreach ($path in $DataDir, $InstallDir) {
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Recurse -Force }
    }
    try {
        if ([System.Diagnostics.EventLog]::SourceExists($EventSource)) { [System.Diagnostics.EventLog]::DeleteEventSource($EventSource) }
    } catch {
        Write-Verbose "event log source left: $_"
    }
    Write-Output 'sentrikat-agent: uninstalled (task, settings, state and the script removed)'
}

# ------------------------------------------------------------------------------ main

if ($Help) {
    Get-Help -Detailed $PSCommandPath
    exit 0
}

$script:Result = ''
try {
    if ($Install) {
        Install-Agent
        exit 0
    }
    if ($Uninstall) {
        Uninstall-Agent
        exit 0
    }
    $script:Settings = Resolve-Settings
    New-Item -ItemType Directory -Force -Path $script:Settings.StateDir | Out-Null
    $script:LogFile = Join-Path $script:Settings.StateDir 'agent.log'
    $lock = [System.Threading.Mutex]::new($false, 'Global\SentriKatAgent')
    $owned = $false
    try { $owned = $lock.WaitOne(0) } catch [System.Threading.AbandonedMutexException] { $owned = $true }
    if (-not $owned) { Stop-Agent 'another run of the agent is in progress' }
    try {
        Read-State
        Initialize-Tls
        $script:AgentHost = ConvertTo-CleanText $script:Settings.Hostname
        $script:OsName = ConvertTo-CleanText (Get-OsName)
        if ($Once) {
            Invoke-OnceRun
        } elseif ($Scheduled) {
            Invoke-ScheduledRun
        } else {
            Write-AgentLog 'info' "running for $($script:AgentHost) against $($script:Settings.Server): heartbeat every 600 s"
            while ($true) {
                try { Invoke-ScheduledRun } catch { Write-AgentLog 'warning' $_.Exception.Message }
                Start-Sleep -Seconds 600
            }
        }
    } finally {
        $lock.ReleaseMutex()
    }
    exit 0
} catch {
    $code = 1
    if ($_.Exception.Data.Contains('SentriKatExitCode')) { $code = [int]$_.Exception.Data['SentriKatExitCode'] }
    Write-AgentLog 'error' $_.Exception.Message
    [Console]::Error.WriteLine("sentrikat-agent: error: $($_.Exception.Message)")
    exit $code
}
