"""The Alerts settings page in Chromium: an admin enters the local SMTP server and sends a test email to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.alerts.conftest import SmtpReceiver
from tests.conftest import Server
from tests.web.conftest import javascript_errors, log_in, screenshot, set_admin_password, wait_for, wait_for_text


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    pytest.importorskip("aiosmtpd")
    receiver = SmtpReceiver()
    receiver.controller.start()
    yield receiver
    receiver.controller.stop()


def test_alert_settings_page_sends_a_test_email(make_server, driver, smtp: SmtpReceiver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    srv: Server = make_server()
    set_admin_password(srv)
    log_in(driver, srv.url)
    wait_for(driver, "nav")
    driver.get(srv.url + "/#/alerts")
    wait_for_text(driver, "alert-channels", "No channel is configured")
    for field, value in (("alert-smtp-host", "127.0.0.1"), ("alert-smtp-port", str(smtp.port)),
                         ("alert-alert-email-to", "it@office.example")):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    Select(driver.find_element(By.ID, "alert-smtp-security")).select_by_value("plain")
    driver.find_element(By.ID, "alerts-save").click()
    wait_for_text(driver, "alerts-result", "Saved")
    wait_for_text(driver, "alert-channels", f"email to it@office.example via 127.0.0.1:{smtp.port}")
    driver.find_element(By.ID, "alerts-test").click()
    wait_for_text(driver, "alerts-result", "email: test message sent")
    screenshot(driver, "alerts-settings")
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "SentriKat: test message" and smtp.messages[0]["To"] == "it@office.example"
    assert "saved on this page" in driver.find_element(By.ID, "alerts-form").text
    assert javascript_errors(driver) == []
