"""The appliance's TLS certificate: a self-signed ECDSA P-256 pair made on first start, its fingerprint, its SSL context."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import socket
import ssl
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.settings import Settings

CERT_FILE, KEY_FILE = "cert.pem", "key.pem"
VALID_DAYS = 3650


class TlsError(ApplianceError):
    """The certificate or key cannot be read, made or used."""

    code = "tls_error"


def tls_dir(settings: Settings) -> Path:
    return settings.data_dir / "tls"


def certificate_paths(settings: Settings) -> tuple[Path, Path]:
    """The pair in service: --tls-cert/--tls-key when given, else DATA_DIR/tls/cert.pem and key.pem."""
    if settings.tls_cert:
        return Path(settings.tls_cert), Path(settings.tls_key)
    return tls_dir(settings) / CERT_FILE, tls_dir(settings) / KEY_FILE


def fingerprint(cert_path: Path | str) -> str:
    """SHA-256 of the DER certificate as ``AB:CD:...``, as ``openssl x509 -noout -fingerprint -sha256`` prints it.

    In a chain file the first certificate is the server's.
    """
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
    try:
        text = Path(cert_path).read_text(encoding="ascii")
        start = text.index(begin)
        der = ssl.PEM_cert_to_DER_cert(text[start : text.index(end, start) + len(end)])
    except (OSError, ValueError) as exc:
        raise TlsError(f"cannot read the certificate {cert_path}: {exc}") from exc
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def box_names(host: str = "") -> tuple[list[str], list[str]]:
    """The names and addresses this box answers to, for the certificate's subjectAltName.

    localhost, 127.0.0.1 and ::1 always; the host name and its fully qualified name; every
    address the host name resolves to; and the listen address if it is a specific one. Only
    local lookups: nothing is sent over the network.
    """
    names = {"localhost"}
    addresses = {"127.0.0.1", "::1"}
    hostname = socket.gethostname()
    for name in (hostname, socket.getfqdn()):
        name = name.strip(".").lower()
        if name and name.isascii() and " " not in name:
            names.add(name)
    try:
        for info in socket.getaddrinfo(hostname, None):
            addresses.add(str(info[4][0]).split("%", 1)[0])
    except OSError:
        pass
    addresses.update(_interface_addresses())
    if host and host not in ("0.0.0.0", "::", ""):
        try:
            addresses.add(str(ipaddress.ip_address(host)))
        except ValueError:
            if host.isascii():
                names.add(host.lower())
    names.discard("")
    return sorted(names), sorted(addresses)


def _interface_addresses() -> set[str]:
    """The addresses of the network interfaces, on Linux (ioctl for IPv4, /proc for IPv6); empty elsewhere."""
    found: set[str] = set()
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # never connected or sent on
            for _, name in socket.if_nameindex():
                try:
                    packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
                except OSError:
                    continue  # no IPv4 address on this interface
                found.add(socket.inet_ntoa(packed[20:24]))
    except (ImportError, OSError, AttributeError):
        pass
    try:
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            raw = line.split()[0]
            address = ipaddress.IPv6Address(bytes.fromhex(raw))
            if not address.is_link_local:
                found.add(str(address))
    except (OSError, ValueError, IndexError):
        pass
    return found


def ensure_certificate(settings: Settings) -> bool:
    """Make the self-signed pair in DATA_DIR/tls if it is not there (and none is configured); True if made.

    The key is written 0600 in a 0700 folder, whatever the umask. Made with the
    ``cryptography`` package: the standard library can load a pair but not create one.
    """
    if settings.tls_cert:
        return False
    cert_path, key_path = certificate_paths(settings)
    if cert_path.exists() and key_path.exists():
        return False
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    names, addresses = box_names(settings.host)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, (names[0] if names[0] != "localhost" else socket.gethostname() or "localhost")[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SentriKat Appliance"),
    ])
    now = datetime.datetime.now(datetime.UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alt_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        # An end-entity certificate (not a CA: browsers refuse a CA certificate as a server's), trusted
        # directly by clients that are given it (curl --cacert) or its fingerprint.
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = cert_path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write(key_path, key_pem, 0o600)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    except OSError as exc:
        raise TlsError(f"cannot write the TLS certificate to {folder}: {exc}") from exc
    return True


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file that has ``mode`` from the start (no moment with wider permissions)."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, path)


def server_context(settings: Settings) -> ssl.SSLContext:
    """The TLS context for the HTTPS listener: TLS 1.2 or later, the pair in service."""
    cert_path, key_path = certificate_paths(settings)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert_path, key_path)
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(f"cannot use the TLS certificate {cert_path} with key {key_path}: {exc}") from exc
    return context
