"""The email channel: SMTP with smtplib (standard library), run in a worker thread, never on the event loop."""

from __future__ import annotations

import asyncio
import hashlib
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from appliance.alerts.base import AlertMessage, ChannelError, Started
from appliance.settings import Settings

DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}


def recipients(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def sender(settings: Settings) -> str:
    return settings.alert_email_from or f"sentrikat@{socket.getfqdn() or 'localhost'}"


def _pin(text: str) -> str:
    """A fingerprint setting as lower-case hex without colons ("" when unset)."""
    return text.replace(":", "").strip().lower()


def _colons(digest: str) -> str:
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)).upper()


class EmailChannel:
    """Sends each message as one email to every address of alert_email_to.

    The SMTP conversation is split so the outbox can mark the batch "sending" as late as
    possible: connect, TLS, login, MAIL FROM and RCPT TO first (a failure there means nothing
    was delivered), then ``started()``, then DATA, whose 250 reply is the delivery.

    TLS (starttls or tls) verifies the server's certificate and name against the system's
    CAs, or against smtp_ca_file; with smtp_tls_fingerprint it trusts exactly the certificate
    with that SHA-256 fingerprint instead. Nothing (no login, no mail) is sent before that check.
    """

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.security = settings.smtp_security
        self.port = settings.smtp_port or DEFAULT_PORTS[self.security]
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.ca_file = settings.smtp_ca_file
        self.fingerprint = _pin(settings.smtp_tls_fingerprint)
        self.sender = sender(settings)
        self.to = recipients(settings.alert_email_to)
        self.timeout = settings.alert_timeout

    def target(self) -> str:
        return f"{', '.join(self.to)} via {self.host}:{self.port} ({self.security})"

    def build(self, message: AlertMessage) -> bytes:
        email = EmailMessage(policy=SMTP_POLICY)
        email["Subject"] = message.subject
        email["From"] = self.sender
        email["To"] = ", ".join(self.to)
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain="sentrikat.invalid")
        # The outbox ids of the events in this message: lets a reader (or a test) tell exactly
        # which events a message reported.
        email["X-SentriKat-Events"] = ",".join(str(e.id) for e in message.events) or "test"
        email.set_content(message.text)
        return email.as_bytes()

    async def send(self, message: AlertMessage, started: Started) -> None:
        if not self.to:
            raise ChannelError("email: alert_email_to names no recipient")
        data = self.build(message)
        smtp = await asyncio.to_thread(self._open)
        try:
            await started()
            await asyncio.to_thread(self._data, smtp, data)
        finally:
            await asyncio.to_thread(_close, smtp)

    def _context(self) -> ssl.SSLContext:
        """The TLS client context: verifying (system CAs or smtp_ca_file), or, with a pinned
        fingerprint, one that leaves the decision to ``_check_pin``. TLS 1.2 at least."""
        if self.fingerprint:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            try:
                context = ssl.create_default_context(cafile=self.ca_file or None)
            except (OSError, ValueError) as exc:  # missing file, no certificate in it
                raise ChannelError(f"email: smtp_ca_file {self.ca_file} cannot be used: {_reason(exc)}") from exc
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def _check_pin(self, smtp: smtplib.SMTP) -> None:
        """With smtp_tls_fingerprint: the certificate the server presented must be that one."""
        if not self.fingerprint:
            return
        der = smtp.sock.getpeercert(binary_form=True) if isinstance(smtp.sock, ssl.SSLSocket) else None
        got = hashlib.sha256(der).hexdigest() if der else None
        if got != self.fingerprint:
            shown = f"a certificate with SHA-256 fingerprint {_colons(got)}" if got else "no certificate"
            raise ChannelError(f"email: {self.host}:{self.port} presented {shown},"
                               f" not the one smtp_tls_fingerprint names ({_colons(self.fingerprint)})")

    def _open(self) -> smtplib.SMTP:
        context = self._context() if self.security != "plain" else None
        try:
            if self.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"email: cannot connect to {self.host}:{self.port}: {self._reason(exc)}") from exc
        try:
            if self.security == "tls":
                self._check_pin(smtp)
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=context)
                self._check_pin(smtp)
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password)
            code, reply = smtp.mail(self.sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, self.sender)
            refused = {}
            for address in self.to:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = (code, reply)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        except ChannelError:
            _close(smtp)
            raise
        except (OSError, smtplib.SMTPException) as exc:
            _close(smtp)
            if isinstance(exc, ssl.SSLError):  # STARTTLS's handshake
                raise ChannelError(f"email: cannot connect to {self.host}:{self.port}: {self._reason(exc)}") from exc
            raise ChannelError(f"email: {self.host}:{self.port} did not take the message: {self._reason(exc)}") from exc
        return smtp

    def _reason(self, exc: BaseException) -> str:
        """_reason, with what to do about a certificate that is not trusted or a TLS mismatch."""
        if isinstance(exc, ssl.SSLCertVerificationError):
            return (f"TLS failed: the server's certificate is not trusted ({exc.verify_message or exc.reason});"
                    " set smtp_ca_file to its CA, or smtp_tls_fingerprint to its SHA-256 fingerprint")
        if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":
            return (f"TLS failed: the server did not answer in TLS; check smtp_security ({self.security})"
                    " against the port (usually 465 tls, 587 starttls, 25 plain)")
        if isinstance(exc, TimeoutError) and self.security != "tls" and self.port == 465:
            return "timed out; port 465 usually wants smtp_security = tls"
        return _reason(exc)

    def _data(self, smtp: smtplib.SMTP, data: bytes) -> None:
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPResponseException as exc:  # the server answered: it refused the message
            raise ChannelError(f"email: {self.host}:{self.port} refused the message: {_reason(exc)}") from exc
        except (OSError, smtplib.SMTPException) as exc:  # no answer: the server may or may not have it
            raise ChannelError(
                f"email: no answer from {self.host}:{self.port} after sending the message: {_reason(exc)}",
                maybe_delivered=True,
            ) from exc
        if code != 250:
            raise ChannelError(f"email: {self.host}:{self.port} refused the message: {code} {reply.decode(errors='replace')}")


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {reply.decode(errors='replace')}" for address, (code, reply) in exc.recipients.items())
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"the server does not support it: {exc}"
    return str(exc) or type(exc).__name__
