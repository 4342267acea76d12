"""Display names (Windows Uninstall entries, macOS app bundles): one test per rule, on the real feed files."""

from __future__ import annotations

import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher
from appliance.matching.normalize import clean_publisher

WINDOWS = "Windows 11 23H2"
MAC = "macOS 14.5"


def product(matcher: FeedMatcher, item: SoftwareItem, os_name: str = WINDOWS) -> tuple[str | None, str]:
    """The vendor:product identified (None if refused) and the evidence or reason."""
    (result,) = matcher.match([item], os_name)
    if result.match is None:
        return None, result.reason or ""
    return ":".join(result.match.cpe.split(":")[3:5]), result.match.evidence


@pytest.mark.parametrize(("name", "publisher", "part_of"), [
    ("Microsoft Visual Studio Installer", "Microsoft Corporation", "microsoft:visual_studio"),
    ("Microsoft SQL Server 2019 Setup (English)", "Microsoft Corporation", "microsoft:sql_server"),
    ("Python 3.10.11 Documentation (64-bit)", "Python Software Foundation", "python:python"),
    # Session 16: a tool that builds with the product or removes it.
    ("Microsoft Power BI Report Builder", "Microsoft Corporation", "microsoft:power_bi"),
    ("Acronis Cyber Protect Bootable Media Builder", "Acronis", "acronis:cyber_protect"),
    ("Cisco Webex Meetings Removal Tool", "Cisco", "cisco:webex_meetings"),
])
def test_a_part_of_a_product_is_refused_with_the_product_named(matcher: FeedMatcher, name: str, publisher: str, part_of: str) -> None:
    # "Installer" and "Setup" used to be dropped as noise, which made the installer the product.
    key, reason = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key is None
    assert "is a part" in reason and part_of in reason


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Microsoft .NET SDK 8.0.404 (x64)", "Microsoft Corporation", "microsoft:.net"),
    ("Microsoft .NET Host - 8.0.11 (x64)", "Microsoft Corporation", "microsoft:.net"),
    ("Python 3.11.9 Standard Library (64-bit)", "Python Software Foundation", "python:python"),
    ("Visual Studio Build Tools 2019", "Microsoft Corporation", "microsoft:visual_studio_2019"),
    ("Veeam Backup & Replication Console", "Veeam Software Group GmbH", "veeam:backup_\\&_replication"),
])
def test_a_piece_that_carries_the_products_code_is_the_product(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "carries its code" in evidence


@pytest.mark.parametrize("name", [
    "Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.40.33810",
    "Microsoft Visual C++ 2019 X86 Additional Runtime - 14.29.30139",
    "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810",
])
def test_the_visual_cpp_redistributables_msi_parts_are_the_redistributable(matcher: FeedMatcher, name: str) -> None:
    # Session 17: the Minimum and Additional Runtime entries are the MSI packages the
    # Redistributable's bundle installs: the product of the bundle's own entry, not the compiler.
    key, evidence = product(matcher, SoftwareItem(name, "14.40.33810.0", "Microsoft Corporation"))
    assert key == "microsoft:visual_c\\+\\+_redistributable", evidence



def test_what_is_left_beside_a_helper_word_must_be_more_than_the_publisher(matcher: FeedMatcher) -> None:
    # "Google" alone would be google:desktop (a vendor's one desktop program): not this helper.
    assert product(matcher, SoftwareItem("Google Update Helper", "1.3.36", "Google LLC"))[0] is None


def test_a_part_that_nvd_files_as_a_product_is_that_product(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("Microsoft Edge Update", "1.3.185.17", "Microsoft Corporation"))[0] == "microsoft:edge_update"


@pytest.mark.parametrize(("name", "expected"), [
    ("Google Chrome Beta", "google:chrome"),  # a channel
    ("Microsoft Visual Studio Code Insiders (User)", "microsoft:visual_studio_code"),
    ("Microsoft Exchange Server 2019 Cumulative Update 13", "microsoft:exchange_server"),  # a servicing level
    ("Microsoft SQL Server 2016 Service Pack 3", "microsoft:sql_server"),
    ("Apache Tomcat 9.0 Tomcat9 (remove only)", "apache:tomcat"),  # the Windows service name repeats the product
    ("Microsoft Office Home and Business 2021 - en-us", "microsoft:office"),  # "and" between two edition words
    ("NI LabVIEW Runtime 2024 Q3 (64-bit)", "ni:labview"),  # session 21: a year's quarter names the release
])
def test_channels_servicing_levels_and_service_names_are_packaging(matcher: FeedMatcher, name: str, expected: str) -> None:
    publisher = ("The Apache Software Foundation" if "Tomcat" in name else "Google LLC" if "Chrome" in name else "NI" if "NI " in name
                 else "Microsoft Corporation")
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_year_is_part_of_the_name_or_a_release_as_nvd_files_cves(matcher: FeedMatcher, index) -> None:
    # visual_studio_2022 has more CVEs than visual_studio; office has more than office_2021.
    assert index.cve_count(index.key_id["microsoft:visual_studio_2022"]) > index.cve_count(index.key_id["microsoft:visual_studio"])
    key, evidence = product(matcher, SoftwareItem("Microsoft Visual Studio 2022 Professional", "17.8", "Microsoft Corporation"))
    assert key == "microsoft:visual_studio_2022"
    key, evidence = product(matcher, SoftwareItem("Microsoft Office Professional Plus 2021", "16.0", "Microsoft Corporation"))
    assert key == "microsoft:office"
    assert "the year in the name is a release" in evidence


def test_vendor_names_of_one_organisation_are_one_candidate_when_cves_single_one_out(matcher: FeedMatcher) -> None:
    # palo_alto_networks:cortex_xdr_agent and paloaltonetworks:cortex_xdr_agent used to tie.
    key, evidence = product(matcher, SoftwareItem("Cortex XDR Agent", "8.2", "Palo Alto Networks"))
    assert key == "paloaltonetworks:cortex_xdr_agent"
    # The bundle groups one organisation's spellings (bundle._organisation): CVEs under both.
    assert "palo_alto_networks:cortex_xdr_agent, paloaltonetworks:cortex_xdr_agent" in evidence
    # FileZilla's two vendor names (filezilla-project, filezilla) are one organisation too,
    # so FileZilla Server is one product even though neither key has a CVE in the feed.
    key, evidence = product(matcher, SoftwareItem("FileZilla Server", "1.8", "FileZilla Project"))
    assert key == "filezilla-project:filezilla_server"
    assert "filezilla-project:filezilla_server, filezilla:filezilla_server" in evidence


def test_a_product_carrying_its_vendors_name_needs_no_publisher_agreement(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("PDF24 Creator 11.14.0", "11.14.0", "geek software GmbH"))[0] == "pdf24:pdf24_creator"


def test_community_words_of_the_publisher_can_be_the_vendor(matcher: FeedMatcher) -> None:
    # "The Tor Project" cleans to "tor"; NVD's vendor is "torproject".
    assert product(matcher, SoftwareItem("Tor Browser", "13.0", "The Tor Project"))[0] == "torproject:tor_browser"


@pytest.mark.parametrize(("name", "expected"), [
    # Session 20: a short vendor name is the publisher's first word ("GE Digital" is ge); NVD
    # also files both under ge_fanuc, GE's old name for the line (one organisation, one project).
    ("CIMPLICITY 2022", "ge:cimplicity"),
    ("iFIX 2023", "ge:ifix"),
])
def test_a_short_vendor_name_is_the_publishers_first_word(matcher: FeedMatcher, name: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "2023", "GE Digital"))
    assert key == expected, evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("SAP GUI for Windows 8.00  (Patchlevel 7)", "SAP", "sap:gui_for_windows"),
    ("pgAdmin 4", "The pgAdmin Development Team", "pgadmin:pgadmin_4"),
])
def test_words_nvd_keeps_in_a_product_name_are_tried_first(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "8.0", publisher))[0] == expected


def test_of_one_products_names_the_one_with_most_cves_is_shown(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Erlang OTP 26 (14.2.5)", "14.2.5", "Ericsson AB"))
    assert key == "erlang:erlang\\/otp"
    assert "most of its CVEs" in evidence


@pytest.mark.parametrize(("name", "candidate"), [
    ("Weather.app", "instaguide:weather"),
    ("Calendar.app", "synology:calendar"),
    ("Mission Control.app", "jenkins:mission_control"),
    ("Utilities.app", "utilities_project:utilities"),
])
def test_an_everyday_word_without_a_publisher_is_refused_with_its_candidate(matcher: FeedMatcher, name: str, candidate: str) -> None:
    key, reason = product(matcher, SoftwareItem(name, "1.0"), MAC)
    assert key is None
    assert candidate in reason


def test_a_name_without_publisher_is_taken_for_a_project_named_after_itself(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("Transmission.app", "4.0.5"), MAC)[0] == "transmissionbt:transmission"
    assert product(matcher, SoftwareItem("KeePassXC.app", "2.7.6"), MAC)[0] == "keepassxc:keepassxc"


def test_a_bundle_id_naming_an_nvd_vendor_overrules_a_name_only_match(matcher: FeedMatcher) -> None:
    key, reason = product(matcher, SoftwareItem("Weather.app", "4.0", bundle_id="com.apple.weather"), MAC)
    assert key is None and "com.apple.weather" in reason
    # A bundle id whose vendor NVD does not know (ch.sudo) leaves the name's own evidence.
    assert product(matcher, SoftwareItem("Cyberduck.app", "8.7", bundle_id="ch.sudo.cyberduck"), MAC)[0] == "cyberduck:cyberduck"


def test_a_program_name_is_not_a_package_of_an_ecosystem(matcher: FeedMatcher, index) -> None:
    # NVD files svelte:svelte as an npm package (target_sw node.js): a desktop program of that
    # name is something else, while the npm package is still svelte.
    assert index.ecosystem.get(index.key_id["svelte:svelte"]) == "node.js"
    key, reason = product(matcher, SoftwareItem("Svelte.app", "4.2.0"), MAC)
    assert key is None and "svelte:svelte" in reason and "package of node.js" in reason
    assert product(matcher, SoftwareItem("svelte", "4.2.0", source="npm"), MAC)[0] == "svelte:svelte"


def test_the_most_used_name_is_one_of_the_same_vendor(matcher: FeedMatcher, index) -> None:
    # A mined group joins apache:http_server and oracle:http_server (listed together in a CVE);
    # Oracle HTTP Server is another product, so Apache's stays Apache's.
    assert index.key_id["oracle:http_server"] in index.equivalents(index.key_id["apache:http_server"])
    assert product(matcher, SoftwareItem("Apache HTTP Server 2.4.58", "2.4.58", "Apache Software Foundation"))[0] == "apache:http_server"


def test_what_a_product_is_for_is_part_of_its_name(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("Skype for Business Basic 2016 - en-us", "16.0", "Microsoft Corporation"))[0] == \
        "microsoft:skype_for_business"
    # "Windows" alone is not such a word: the .NET desktop runtime is not the operating system.
    key, _ = product(matcher, SoftwareItem("Microsoft Windows Desktop Runtime - 8.0.0 (x64)", "8.0.0", "Microsoft Corporation"))
    assert key != "microsoft:windows"


def test_an_installed_program_of_a_self_named_platform_is_its_desktop_client(matcher: FeedMatcher) -> None:
    # mattermost:mattermost is the server; NVD files the desktop app as mattermost_desktop.
    assert product(matcher, SoftwareItem("Mattermost", "5.5", "Mattermost, Inc."))[0] == "mattermost:mattermost_desktop"
    assert product(matcher, SoftwareItem("Mattermost.app", "5.5", bundle_id="Mattermost.Desktop"), MAC)[0] == \
        "mattermost:mattermost_desktop"
    # Not for products that are not self-named: cisco:webex_meetings stays.
    assert product(matcher, SoftwareItem("Cisco Webex Meetings", "43.2", "Cisco Webex LLC"))[0] == "cisco:webex_meetings"
    # Session 16: or its "<name>_client" / "<name>-client" (Seafile, TeamSpeak, Pritunl).
    assert product(matcher, SoftwareItem("Seafile 9.0.4", "9.0.4", "Seafile Ltd."))[0] == "seafile:seafile-client"
    assert app(matcher, "TeamSpeak.app", "com.teamspeak.TeamSpeak")[0] == "teamspeak:teamspeak_client"


def test_vendor_and_product_written_together(matcher: FeedMatcher) -> None:
    # A bundle's file name can run the words together; the bundle id gives the vendor.
    assert product(matcher, SoftwareItem("ZoomRooms.app", "5.17", bundle_id="us.zoom.ZoomPresence"), MAC)[0] == "zoom:rooms"


def test_an_assistant_app_is_its_product(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("Boot Camp Assistant.app", "6.1", bundle_id="com.apple.bootcampassistant"), MAC)[0] == \
        "apple:boot_camp"


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Adobe Flash Player 32 NPAPI", "Adobe", "adobe:flash_player"),  # a browser plug-in build
    ("Veeam Agent for Microsoft Windows", "Veeam Software Group GmbH", "veeam:agent"),  # the platform
    ("Sumatra PDF", "Krzysztof Kowalczyk", "sumatrapdfreader:sumatrapdf"),  # a vendor named after the product, longer
])
def test_builds_platforms_and_longer_vendor_names(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_longer_vendor_name_counts_only_for_the_one_product_of_that_name(matcher: FeedMatcher) -> None:
    # suricata-ids:suricata is one of three "suricata" products.
    key, reason = product(matcher, SoftwareItem("Suricata.app", "7.0"), MAC)
    assert key is None and "oisf:suricata" in reason


@pytest.mark.parametrize(("name", "bundle_id", "others"), [
    ("Hyper.app", "co.zeit.hyper", "vercel"),  # the terminal is vercel:hyper, not hyper:hyper
    ("Cursor.app", "com.todesktop.230313mzl4w4u92", "anysphere"),  # the editor is anysphere:cursor
    ("Mail.app", "", "apple"),
])
def test_a_self_named_product_whose_name_other_organisations_share_needs_more_than_the_name(
        matcher: FeedMatcher, name: str, bundle_id: str, others: str) -> None:
    key, reason = product(matcher, SoftwareItem(name, "1.0", "", None, "macos_app", bundle_id), MAC)
    assert key is None
    assert "file a product of that name too" in reason and others in reason


def test_a_project_nvd_also_files_under_its_old_hosting_site_is_still_self_named(matcher: FeedMatcher) -> None:
    # google:tunnelblick is the Google Code project, not another organisation's Tunnelblick.
    assert product(matcher, SoftwareItem("Tunnelblick", "4.0", "Jonathan Bullard"), MAC)[0] == "tunnelblick:tunnelblick"


@pytest.mark.parametrize(("name", "kev_key"), [
    ("Kernel.app", "linux:linux_kernel"),
    ("Confluence", "atlassian:questions_for_confluence"),
    ("ManageEngine", "zohocorp:manageengine_adselfservice_plus"),
])
def test_one_word_of_a_kev_product_name_without_vendor_or_publisher_names_nothing(matcher: FeedMatcher, name: str, kev_key: str) -> None:
    # KEV's product column ("Kernel", "Confluence") is read beside its vendorProject column.
    key, reason = product(matcher, SoftwareItem(name, "1.0"), MAC if name.endswith(".app") else WINDOWS)
    assert key is None
    assert kev_key in reason


def test_a_kev_product_name_of_several_words_still_names_its_product(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("GoAnywhere MFT", "7.4.1"))[0] == "fortra:goanywhere_managed_file_transfer"


@pytest.mark.parametrize(("publisher", "said"), [
    ("SAP SE", "sap"), ("AO Kaspersky Lab", "kaspersky lab"), ("SteelSeries ApS", "steelseries"), ("JetBrains s.r.o.", "jetbrains"),
])
def test_legal_forms_of_other_countries_are_not_part_of_the_publishers_name(publisher: str, said: str) -> None:
    assert clean_publisher(publisher) == said


def test_a_publisher_of_another_legal_form_confirms_the_vendor(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("SAP GUI for Windows 7.70 (Patch 5)", "7.70", "SAP SE"))
    assert key == "sap:gui_for_windows"
    assert "publisher 'sap' agrees" in evidence


def test_a_longer_vendor_name_does_not_stand_against_a_publisher_that_is_another_nvd_vendor(matcher: FeedMatcher) -> None:
    # sumatrapdfreader:sumatrapdf is taken on its vendor's name alone; a publisher that is
    # another NVD vendor says the program is someone else's of the same name.
    assert product(matcher, SoftwareItem("Sumatra PDF", "3.5", "Krzysztof Kowalczyk"))[0] == "sumatrapdfreader:sumatrapdf"
    key, reason = product(matcher, SoftwareItem("Sumatra PDF", "3.5", "Adobe Inc."))
    assert key is None and "sumatrapdfreader:sumatrapdf" in reason


@pytest.mark.parametrize("name", ["Foo \u017fervice Pack 3", "Foo Service Pack 3", "Foo (x64) Update 13", "Foo \u017fp1"])
def test_servicing_words_are_dropped_also_where_case_folding_reaches_past_ascii(name: str) -> None:
    # clean_display_name skips its case-blind patterns for ASCII names without their words;
    # re.I also folds the long s (U+017F) into "s", so such a name must still run them.
    from appliance.matching.normalize import clean_display_name

    assert clean_display_name(name) == "foo"
    assert clean_display_name("Veeam Agent for Micro\u017foft Windows 6") == "veeam agent"


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    # Session 21: "<word> Edition" after a name that names nothing names an edition of it.
    ("Tftpd64 Service Edition", "Ph. Jounin", "tftpd64_project:tftpd64"),
    ("Microsoft Flight Simulator X: Steam Edition", "Dovetail Games", "microsoft:flight_simulator_x"),
    # ... read only when the whole name names nothing (NVD files the Machine Edition apart).
    ("FactoryTalk View Studio - Machine Edition", "Rockwell Automation, Inc.", "rockwellautomation:factorytalk_view_studio"),
])
def test_a_word_and_edition_after_a_name_is_an_edition(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "4.64", publisher))
    assert key == expected, evidence


def test_a_quarter_after_a_year_goes_and_the_year_stays() -> None:
    from appliance.matching.normalize import clean_display_name

    assert clean_display_name("NI FlexLogger 2024 Q1") == "ni flexlogger 2024"
    # Not a "Q" word of a name, nor a quarter without a year before it.
    assert clean_display_name("Q2 Studio") == "q2 studio"
    assert clean_display_name("Qt Creator Q4") == "qt creator q4"


# --- Session 12: kinds of miss read from the development sets -------------------------------------


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Microsoft Teams classic", "Microsoft Corporation", "microsoft:teams"),  # the previous generation
    ("Adobe Photoshop Classic", "Adobe Inc.", "adobe:photoshop"),
])
def test_classic_names_the_previous_generation_of_the_same_product(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_developer_edition_app_is_the_product(matcher: FeedMatcher) -> None:
    item = SoftwareItem("Firefox Developer Edition.app", "124.0b9", "", None, "macos_app", "org.mozilla.firefoxdeveloperedition")
    assert product(matcher, item, MAC)[0] == "mozilla:firefox"


@pytest.mark.parametrize("name", ["Microsoft Teams classic (Machine-Wide Installer) - en-us", "Zoom Workplace (Machine-Wide Installer)"])
def test_a_machine_wide_installer_note_in_brackets_makes_the_entry_the_installer(matcher: FeedMatcher, name: str) -> None:
    # The cleaning drops bracketed notes; this one must not be lost (even where an alias names the product).
    key, reason = product(matcher, SoftwareItem(name, "1.7.0.3653", "Microsoft Corporation"))
    assert key is None
    assert "machine-wide installer" in reason


def test_a_hosting_bundle_carries_the_runtime_it_installs(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Microsoft ASP.NET Core 7.0.14 Hosting Bundle", "7.0.14", "Microsoft Corporation"))
    assert key == "microsoft:asp.net_core"
    assert "carries its code" in evidence


def test_the_longest_product_before_the_piece_words_is_the_product(matcher: FeedMatcher) -> None:
    # "Manager" is a part word too: popping it along with "Service" left "Dell Power", no product.
    key, evidence = product(matcher, SoftwareItem("Dell Power Manager Service", "3.14.0", "Dell Inc."))
    assert key == "dell:power_manager"
    assert "'service' is a piece" in evidence


def test_a_part_word_still_refuses_after_the_longest_product(matcher: FeedMatcher) -> None:
    key, reason = product(matcher, SoftwareItem("Dell Power Manager Installer", "3.14.0", "Dell Inc."))
    assert key is None and "dell:power_manager" in reason


def test_a_publisher_that_is_exactly_one_of_several_organisations_chooses_it(matcher: FeedMatcher) -> None:
    # proton, protonmail and protonvpn all file protonvpn; "Proton AG" only begins the other two.
    key, evidence = product(matcher, SoftwareItem("Proton VPN", "3.2.11", "Proton AG"))
    assert key == "proton:protonvpn"
    assert "exactly vendor 'proton'" in evidence
    app = SoftwareItem("Arc.app", "1.30", "", None, "macos_app", "company.thebrowser.Browser")
    assert product(matcher, app, MAC)[0] == "thebrowser:arc"  # not the_browser_company:arc


@pytest.mark.parametrize(("item", "os_name", "expected", "other"), [
    (SoftwareItem("Skype version 8.110", "8.110", "Skype Technologies S.A."), WINDOWS, "skype:skype", "skype_technologies:skype"),
    (SoftwareItem("SecureCRT 9.5 (x64)", "9.5", "VanDyke Software, Inc."), WINDOWS, "vandyke:securecrt", "van_dyke_technologies:securecrt"),
    (SoftwareItem("SecureCRT.app", "9.5", "", None, "macos_app", "com.vandyke.SecureCRT"), MAC, "vandyke:securecrt",
     "van_dyke_technologies:securecrt"),
])
def test_of_one_organisations_names_without_cves_the_one_the_2015_dictionary_lists(
        matcher: FeedMatcher, item: SoftwareItem, os_name: str, expected: str, other: str) -> None:
    # Session 17: skype and skype_technologies are one organisation, no CVE of the feed uses
    # either; the publisher cannot say which NVD uses, the 2015 dictionary's title can.
    key, evidence = product(matcher, item, os_name)
    assert key == expected
    assert "2015 dictionary" in evidence and other in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("PotPlayer-64 bit", "Kakao Corp.", "kakaocorp:potplayer"),
    ("Cygwin64", "Cygwin", "cygwin:cygwin"),
])
def test_a_bitness_glued_to_the_name_is_not_part_of_it(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "bitness" in evidence


def test_a_number_that_is_part_of_a_word_is_not_a_bitness() -> None:
    from appliance.matching.display_names import _unglued

    assert [_unglued(w) for w in ("cygwin64", "potplayer-64", "x264", "base64", "win32", "libx32")] == [
        "cygwin", "potplayer", "x264", "base64", "win32", "libx32"]


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("BIG-IP Edge Client", "F5 Networks, Inc.", "f5:big-ip_edge_client"),
    ("GlobalProtect", "Palo Alto Networks", "paloaltonetworks:globalprotect"),
])
def test_a_network_companys_publisher_names_its_vendor(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "6.0", publisher))[0] == expected


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Transmit 5.app", "com.panic.transmit", "panic:transmit_5"),  # NVD names the product with its major
    ("pgAdmin 4.app", "org.pgadmin.pgadmin4", "pgadmin:pgadmin_4"),
])
def test_an_apps_bare_major_number_stays_when_nvd_names_the_product_with_it(
        matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "5.10", "", None, "macos_app", bundle_id), MAC)[0] == expected


def test_app_name_keeps_a_bare_major_number_and_drops_other_versions() -> None:
    from appliance.matching.normalize import app_name

    assert [app_name(n) for n in ("Transmit 5.app", "GIMP-2.10.app", "Foo 2.1.app", "Office 2019.app", "R.app")] == [
        "Transmit 5", "GIMP", "Foo", "Office", "R"]


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Nextcloud", "Nextcloud GmbH", "nextcloud:desktop"),
    ("ClickUp", "ClickUp", "clickup:desktop"),
    ("Telegram", "Telegram FZ-LLC", "telegram:telegram_desktop"),  # the suffix form, as before
])
def test_a_self_named_platforms_installed_program_is_the_vendors_desktop_product(
        matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "3.12.1", publisher))
    assert key == expected
    assert "desktop client" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Kofax Power PDF Advanced", "Kofax", "kofax:power_pdf"),
    ("OpenSSL 3.2.0 Light (64-bit)", "OpenSSL Win64 Installer Team", "openssl:openssl"),
    ("Waves MaxxAudio Pro Application", "Waves Audio Ltd.", "waves:maxxaudio"),
])
def test_feature_tiers_are_editions_of_one_product(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_suite_stays_a_word_of_the_products_name(matcher: FeedMatcher) -> None:
    # Dropped with "community", "suite" would leave "burp" (burp_project:burp, another program).
    assert product(matcher, SoftwareItem("Burp Suite Community Edition 2024.1.1.4", "2024.1.1.4", "PortSwigger Web Security"))[0] == (
        "portswigger:burp_suite")


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Kaspersky Security Center Network Agent", "AO Kaspersky Lab", "kaspersky:security_center"),
    ("Trend Micro Apex One Security Agent", "Trend Micro Inc.", "trendmicro:apex_one"),
    ("BeyondTrust Remote Support Jump Client", "BeyondTrust Corporation", "beyondtrust:remote_support"),
    ("Microsoft Exchange Server Management Services", "Microsoft Corporation", "microsoft:exchange_server"),
])
def test_a_management_products_endpoint_piece_is_the_product(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "14.2", publisher))
    assert key == expected
    assert "of the product" in evidence


def test_an_endpoint_piece_needs_a_product_its_vendor_is_tied_to(matcher: FeedMatcher) -> None:
    # No vendor in the name and no publisher: "Security Center" alone ties to no one vendor.
    assert product(matcher, SoftwareItem("Security Center Network Agent", "14.2", ""))[0] is None


@pytest.mark.parametrize(("item", "os_name", "expected"), [
    (SoftwareItem("GitKraken", "9.13.0", "Axosoft, LLC"), WINDOWS, "axosoft:gitkraken_desktop"),
    (SoftwareItem("Eclipse.app", "4.30", "", None, "macos_app", "org.eclipse.platform.ide"), MAC, "eclipse:eclipse_ide"),
    (SoftwareItem("Citrix Secure Access", "23.10.1.7", "Citrix Systems, Inc."), WINDOWS, "citrix:secure_access_client"),
])
def test_the_publishers_one_product_of_the_programs_name_with_a_kind_of_program(
        matcher: FeedMatcher, item: SoftwareItem, os_name: str, expected: str) -> None:
    key, evidence = product(matcher, item, os_name)
    assert key == expected
    assert "whose one product of that name" in evidence


def test_the_publishers_product_is_not_guessed_without_a_publisher(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("GitKraken", "9.13.0", ""))[0] is None


def test_a_gui_is_a_kind_of_program_nvd_appends(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("YubiKey Manager", "1.2.5", "Yubico AB"))[0] == "yubico:yubikey_manager_gui"


def test_a_separator_between_brand_and_product_and_a_universal_build(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("Dell Command | Update for Windows Universal", "5.1.0", "Dell Inc."))[0] == "dell:command_update"


def test_machine_stays_when_nvd_names_the_product_with_it(matcher: FeedMatcher) -> None:
    # "machine" is noise in "(Machine)" notes, but part of microsoft:azure_connected_machine_agent.
    key, _ = product(matcher, SoftwareItem("Azure Connected Machine Agent", "1.37", "Microsoft Corporation"))
    assert key == "microsoft:azure_connected_machine_agent"


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Microsoft Azure CLI (64-bit)", "Microsoft Corporation", "microsoft:azure_command-line_interface"),
    ("OWASP ZAP 2.14.0", "OWASP", "owasp:zed_attack_proxy"),
])
def test_a_name_may_abbreviate_its_vendors_product_by_initials(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "2.14.0", publisher))
    assert key == expected
    assert "initials" in evidence


def test_initials_stand_for_one_run_of_the_products_words() -> None:
    from appliance.matching.display_names import _abbreviates

    assert _abbreviates(["azure", "cli"], ["azure", "command", "line", "interface"])
    assert _abbreviates(["zap"], ["zed", "attack", "proxy"])
    assert not _abbreviates(["azure", "cli"], ["azure", "command", "line", "interface", "extension"])
    assert not _abbreviates(["cli"], ["azure", "command", "line", "interface"])  # the other words must agree too
    assert not _abbreviates(["7z", "tools"], ["7", "zip", "tools"])  # initials are letters


def test_initials_without_a_vendor_in_the_name_or_a_publisher_name_nothing(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("ZAP", "2.14.0", ""))[0] is None


def test_a_publisher_spelled_like_a_project_vendor_agrees_with_it(matcher: FeedMatcher) -> None:
    # "r_project" without " project" is "r", too short to compare; spelled whole, it is the bundle id's vendor.
    app = SoftwareItem("R.app", "4.3.2", "", None, "macos_app", "org.R-project.R")
    assert product(matcher, app, MAC)[0] == "r_project:r"


def test_a_plugin_platforms_product_named_after_the_publisher_is_not_the_publishers_program(matcher: FeedMatcher) -> None:
    # jenkins:datadog is Jenkins' Datadog plug-in; "publisher named after the product" does not reach it.
    assert product(matcher, SoftwareItem("Datadog Agent", "7.50.3", "Datadog, Inc."))[0] is None
    # The same rule still confirms a company named after its product (ScreenConnect, before ConnectWise).
    assert product(matcher, SoftwareItem("ScreenConnect Client (0a1b2c3d4e5f6a7b)", "23.9.8", "ScreenConnect Software"))[0] == (
        "connectwise:screenconnect")


def test_a_mui_entry_is_the_products_language_resources(matcher: FeedMatcher) -> None:
    # Read as an edition word, "MUI" made the language pack microsoft:project_2016.
    key, reason = product(matcher, SoftwareItem("Microsoft Project MUI (English) 2016", "16.0.4266.1001", "Microsoft Corporation"))
    assert key is None
    # (The part is named as of microsoft:project: project_2016 has no more CVEs, so 2016 is its release.)
    assert "is a part" in reason and "microsoft:project" in reason


def test_a_bundle_id_ending_in_a_number_names_the_major_the_app_is_built_as(matcher: FeedMatcher) -> None:
    app = SoftwareItem("Sublime Text.app", "Build 4169", "", None, "macos_app", "com.sublimetext.4")
    assert product(matcher, app, MAC)[0] == "sublimetext:sublime_text_4"
    # Where NVD names no product with the number, the name is read without it, as before.
    firefox = SoftwareItem("Firefox.app", "124.0", "", None, "macos_app", "org.mozilla.firefox.2")
    assert product(matcher, firefox, MAC)[0] == "mozilla:firefox"


def app(matcher: FeedMatcher, name: str, bundle_id: str) -> tuple[str | None, str]:
    """A macOS app as osquery reports it: bundle name and bundle id, no publisher."""
    return product(matcher, SoftwareItem(name, "1.0", "", None, "macos_app", bundle_id), MAC)


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Xcode-beta.app", "com.apple.dt.Xcode", "apple:xcode"),
    ("Safari Technology Preview.app", "com.apple.SafariTechnologyPreview", "apple:safari"),
    ("Microsoft Edge Dev.app", "com.microsoft.edgemac.Dev", "microsoft:edge_chromium"),
    ("VMware Fusion Tech Preview.app", "com.vmware.fusion", "vmware:fusion"),  # session 16, round 3
])
def test_a_release_channel_after_an_app_name_is_the_app(matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    key, evidence = app(matcher, name, bundle_id)
    assert key == expected and "release channel" in evidence


def test_a_channel_is_taken_off_before_edition_words_would_shorten_the_product(matcher: FeedMatcher) -> None:
    # Dropping "desktop" and "beta" together read "Microsoft Remote" (microsoft:remote).
    assert app(matcher, "Microsoft Remote Desktop Beta.app", "com.microsoft.rdc.osx.beta")[0] == "microsoft:remote_desktop"


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Cinema 4D.app", "net.maxon.cinema4d", "maxon:cinema_4d"),  # the cleaning drops "4D" from the name
    ("Yandex.app", "ru.yandex.desktop.yandex-browser", "yandex:yandex_browser"),
])
def test_the_bundle_ids_own_words_name_the_vendors_product(matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    key, evidence = app(matcher, name, bundle_id)
    assert key == expected and f"bundle id {bundle_id}" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "not_this"), [
    ("Android Studio.app", "com.google.android.studio", "google:android"),  # the name says more than the id's word
])
def test_bundle_id_words_that_add_nothing_to_the_name_choose_nothing(matcher: FeedMatcher, name: str, bundle_id: str, not_this: str) -> None:
    assert app(matcher, name, bundle_id)[0] != not_this


def test_a_bundle_id_repeating_the_name_chooses_nothing_the_name_did_not(matcher: FeedMatcher) -> None:
    # com.skype.skype repeats the name; since session 17 the 2015 dictionary chooses skype:skype
    # over skype_technologies:skype (one organisation, no CVEs), the bundle id's words still do not.
    key, evidence = app(matcher, "Skype.app", "com.skype.skype")
    assert key == "skype:skype" and "2015 dictionary" in evidence and "words" not in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Logic Pro.app", "com.apple.logic10", "apple:logic_pro_x"),
    ("Company Portal.app", "com.microsoft.CompanyPortalMac", "microsoft:intune_company_portal"),
])
def test_the_one_product_of_the_bundle_vendor_the_marketing_name_shortens(matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    key, evidence = app(matcher, name, bundle_id)
    assert key == expected and "with a word or two more" in evidence


@pytest.mark.parametrize(("name", "bundle_id"), [
    ("App Store.app", "com.apple.AppStore"),  # apple:app_store_connect: "connect" makes another product
    ("Migration Assistant.app", "com.apple.MigrateAssistant"),  # apple:windows_migration_assistant: another platform
])
def test_a_vendor_product_with_other_words_or_of_two_candidates_is_refused(matcher: FeedMatcher, name: str, bundle_id: str) -> None:
    assert app(matcher, name, bundle_id)[0] is None


def test_a_coined_name_names_the_lone_project_product(matcher: FeedMatcher) -> None:
    key, evidence = app(matcher, "ImageOptim.app", "net.pornel.ImageOptim")
    assert key == "imageoptim_project:imageoptim" and "coined name" in evidence
    # Written as one plain word, the same name is not evidence enough for a "<name>_project" vendor.
    key, reason = app(matcher, "Imageoptim.app", "net.pornel.Imageoptim")
    assert key is None and "_project" in reason


def test_a_mac_app_is_the_desktop_build_nvd_files_apart(matcher: FeedMatcher) -> None:
    key, evidence = app(matcher, "Claude.app", "com.anthropic.claudefordesktop")
    assert key == "anthropic:claude_desktop" and "desktop build" in evidence
    # The same name on Windows with its publisher stays the product NVD names.
    assert product(matcher, SoftwareItem("Claude", "1.0", "Anthropic"))[0] == "anthropic:claude"

@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Microsoft SQL Server 2019 LocalDB ", "Microsoft Corporation", "microsoft:sql_server"),  # an edition NVD files no product for
    ("Newforma Project Center Eleventh Edition", "Newforma, Inc.", "newforma:project_center"),
    ("HP Universal Print Driver PCL6", "HP", "hp:universal_print_driver"),
    ("Oracle VM VirtualBox Guest Additions 7.0.14", "Oracle Corporation", "oracle:vm_virtualbox"),
    ("Revit 2024.2 Hotfix", "Autodesk", "autodesk:revit"),  # one word, then a fix of it
    ("Plantronics Hub Software", "Plantronics, Inc.", "plantronics:plantronics_hub"),
    ("Microsoft ASP.NET Core 8.0.1 Shared Framework (x86)", "Microsoft Corporation", "microsoft:asp.net_core"),
    ("Microsoft Dynamics 365 Business Central Server", "Microsoft Corporation", "microsoft:dynamics_365_business_central"),
    ("ImageMagick 7.1.1-26 Q16-HDRI (64-bit) (2024-01-06)", "ImageMagick Studio LLC", "imagemagick:imagemagick"),  # build tags
    ("MongoDB 7.0.14 2008R2Plus SSL (64 bit)", "MongoDB", "mongodb:mongodb"),  # a build tag, then what the build has
])
def test_a_name_that_begins_with_the_publishers_product_is_that_product(matcher: FeedMatcher, name: str, publisher: str,
                                                                        expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "is the publisher's product" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("ABBYY FineReader PDF 16", "ABBYY", "abbyy:finereader"),
    ("ZOC Terminal 8.09.3", "EmTec Innovative Software", "emtec:zoc"),
    ("FSLogix Apps", "Microsoft Corporation", "microsoft:fslogix"),
    ("Archicad 27 INT", "GRAPHISOFT", "graphisoft:archicad"),
])
def test_a_coined_one_word_product_with_words_after_it_is_that_product(matcher: FeedMatcher, name: str, publisher: str,
                                                                       expected: str) -> None:
    # Session 18: a one-word product whose word no other NVD product uses is no plain word
    # another program of the vendor borrows ("Android Studio", below): what follows is an
    # edition or packaging of it.
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "is the publisher's product" in evidence


@pytest.mark.parametrize(("name", "publisher"), [
    ("Android Studio", "Google LLC"),  # google:android, then a word: another program of the vendor
    ("Bing Wallpaper", "Microsoft Corporation"),
    ("Chrome Remote Desktop Host", "Google LLC"),
    ("Microsoft Access database engine 2016 (English)", "Microsoft Corporation"),
    ("SQL Server 2019 LocalDB", "Contoso Ltd"),  # the publisher does not name microsoft
    ("Zoom Outlook Plugin (64-bit)", "Zoom Video Communications, Inc."),  # a part word among the extra words
    ("Microsoft Edge WebView2 Runtime", "Microsoft Corporation"),  # "WebView2" is a name with a number, not a build tag
    ("MongoDB Tools 100.9.4 2008R2Plus SSL (64 bit)", "MongoDB"),  # "MongoDB Tools" is a piece, not the product itself
])
def test_a_name_that_begins_with_a_product_is_refused_without_the_guards(matcher: FeedMatcher, name: str, publisher: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] is None


def test_pro_is_part_of_a_brand_name_nvd_keeps(matcher: FeedMatcher) -> None:
    # Session 18: of a vendor's "X" and "X Pro", both confirmed by the publisher, "X Pro <year>"
    # is X Pro; "Professional" stays an edition (next test).
    assert product(matcher, SoftwareItem("Adobe Premiere Pro 2024", "24.0", "Adobe Inc."))[0] == "adobe:premiere_pro"
    assert product(matcher, SoftwareItem("Autodesk SketchBook Pro 2021", "8.8", "Autodesk"))[0] == "autodesk:sketchbook_pro"


def test_an_edition_word_nvd_keeps_in_the_product_name_stays_when_the_publisher_confirms_it(matcher: FeedMatcher) -> None:
    # Without "Pro" the name is filemaker:filemaker, which Claris does not confirm.
    assert product(matcher, SoftwareItem("FileMaker Pro 2024", "21.0.1", "Claris International Inc."))[0] == "claris:filemaker_pro"
    # Both confirmed alike: the edition stays an edition.
    assert product(matcher, SoftwareItem("Microsoft Project Professional 2021 - en-us", "16.0", "Microsoft Corporation"))[0] \
        == "microsoft:project"


@pytest.mark.parametrize(("name", "cleaned"), [
    ("Eclipse Temurin JDK with Hotspot 17.0.9+9 (x64)", "eclipse temurin jdk with hotspot"),  # Java's "+build"
    ("Zulu JDK 17.48+15 (17.0.10), 64-bit", "zulu jdk"),
    ("AutoCAD Plant 3D 2024", "autocad plant 3d 2024"),  # "3D" is a word, not version 3d
    # Session 16: a language as the last word is the installed UI language, with three words or more.
    ("Microsoft Visual Basic for Applications 7.1 (x64) English", "microsoft visual basic applications"),
    ("Learn English", "learn english"),
    # Session 18: "4D" as "3D"; the Windows release a build is for is no part of the name.
    ("Maxon Cinema 4D 2024", "maxon cinema 4d 2024"),
    ("OpenVPN 2.5.7-I602 Win10", "openvpn"),
    # Session 19: trademark signs glued to a word.
    ("Intel® Wireless Bluetooth®", "intel wireless bluetooth"), ("Grammarly for Microsoft™ Office", "grammarly microsoft office"),
])
def test_cleaning_knows_java_build_numbers_and_keeps_3d(name: str, cleaned: str) -> None:
    from appliance.matching.normalize import clean_display_name
    assert clean_display_name(name) == cleaned


def test_a_product_named_with_3d_is_found(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("AutoCAD Plant 3D 2024", "24.0", "Autodesk"))[0] == "autodesk:autocad_plant_3d"


@pytest.mark.parametrize(("name", "publisher", "expected", "says"), [
    ("Microsoft Build of OpenJDK with Hotspot 17.0.9+8 (x64)", "Microsoft Corporation", "oracle:openjdk", "build of"),
    ("Azul Zulu JDK 17.46 (17.0.9), 64-bit", "Azul Systems, Inc.", "azul:zulu", "carries its code"),
    ("Eclipse Temurin JRE with Hotspot 17.0.11+9 (x64)", "Eclipse Adoptium", "oracle:openjdk", "with something bundled"),
])
def test_java_distributions_are_their_product(matcher: FeedMatcher, name: str, publisher: str, expected: str, says: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "17.0.9", publisher))
    assert key == expected
    assert says in evidence


def test_a_publisher_written_out_is_its_vendor_by_initials(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("ArcGIS Pro", "3.2", "Environmental Systems Research Institute, Inc."))
    assert key == "esri:arcgis_pro"
    assert "by its initials" in evidence
    # Initials that happen to be a vendor (psu) name nothing by themselves: that vendor must file the product.
    assert not (product(matcher, SoftwareItem("Macrium Reflect Free", "8.0", "Paramount Software UK Ltd"))[0] or "").startswith("psu:")


def test_a_product_filed_under_the_other_name_of_one_organisation(matcher: FeedMatcher) -> None:
    # hp and hpe file many products of the same names that no other vendor files.
    key, evidence = product(matcher, SoftwareItem("HPE Smart Storage Administrator", "6.0", "Hewlett Packard Enterprise Company"))
    assert key == "hp:smart_storage_administrator"
    assert "products of the same names" in evidence
    # Competitors share generic names (kaspersky and bitdefender: endpoint_security): no such link.
    assert product(matcher, SoftwareItem("Kaspersky Endpoint Security for Windows", "12.3", "AO Kaspersky Lab"))[0] \
        == "kaspersky:endpoint_security"


def test_a_publisher_that_is_the_products_initials_names_it(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("K-Lite Codec Pack 17.9.5 Full", "17.9.5", "KLCP"))
    assert key == "codecguide:k-lite_codec_pack"
    assert "is its initials" in evidence


def test_an_endpoint_products_program_is_its_agent(matcher: FeedMatcher) -> None:
    # NVD files the agent under two spellings of the vendor; the publisher names both.
    key, evidence = product(matcher, SoftwareItem("Cortex XDR 8.2.1.47908", "8.2.1.47908", "Palo Alto Networks"))
    assert key in ("paloaltonetworks:cortex_xdr_agent", "palo_alto_networks:cortex_xdr_agent")
    assert "whose one product" in evidence


def test_a_piece_nvd_files_as_a_product_under_the_products_other_vendor_is_that_product(matcher: FeedMatcher) -> None:
    # glpi-project files both glpi and glpi_agent; Teclib' names only teclib-edition:glpi.
    key, evidence = product(matcher, SoftwareItem("GLPI Agent 1.7 (x64 edition)", "1.7", "Teclib'"))
    assert key == "glpi-project:glpi_agent"
    assert "as a product of its own" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("AteraAgent", "Atera networks", "atera:atera"),
    ("NinjaRMMAgent", "NinjaRMM LLC", "ninjarmm:ninjarmm"),
])
def test_a_piece_word_glued_to_the_name_is_read_as_a_word(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_both_cleanings_in_one_pass_are_the_two_cleanings() -> None:
    # clean_display_names is a shortcut for identification; it must say exactly what the two
    # calls say, on every labelled display name and on the servicing and platform cases above.
    import json
    from pathlib import Path

    from appliance.matching.normalize import clean_display_name, clean_display_names

    names = ["Foo \u017fervice Pack 3", "Veeam Agent for Micro\u017foft Windows 6", "Veeam Agent for Microsoft Windows 6",
             "SAP GUI for Windows 8.00", "pgAdmin 4", "Teams Machine-Wide Installer", "PowerShell 7-x64", "", " , "]
    for path in sorted(Path(__file__).parent.glob("*_items.json")):
        names += [item["name"] for item in json.loads(path.read_text())["items"]]
    for name in names:
        assert clean_display_names(name) == (clean_display_name(name), clean_display_name(name, keep_product_words=True)), name


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Cylance PROTECT", "BlackBerry Cylance", "cylance:cylanceprotect"),  # a word of the publisher is the vendor
    ("CDR DICOM for Windows", "Sirona Dental, Inc.", "dentsply_sirona:cdr_dicom"),  # ... or a word of the vendor
    ("DOPSoft 4.00.16", "Delta Electronics, Inc.", "deltaww:dopsoft"),  # ... or the vendor's name with a little more
])
def test_a_publisher_sharing_a_distinctive_word_with_the_vendor_confirms_it(matcher: FeedMatcher, name: str, publisher: str,
                                                                            expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "shares the word" in evidence


def test_a_shared_word_does_not_choose_among_the_organisations_filing_a_name(matcher: FeedMatcher) -> None:
    # joplin is filed by joplinapp, joplin_project and laurent_22: "Laurent" does not pick one
    # (session 16: the CVEs do, as for a name without a publisher; see the test below).
    key, evidence = product(matcher, SoftwareItem("Joplin 2.13.11", "2.13.11", "Laurent Cozic"))
    assert key != "laurent_22:joplin" and "shares the word" not in evidence


@pytest.mark.parametrize(("item", "os_name", "expected"), [
    (SoftwareItem("GoTo Meeting 10.19.0.21024", "10.19.0.21024", "GoTo, Inc."), WINDOWS, "citrix:gotomeeting"),
    (SoftwareItem("MatrikonOPC Explorer", "5.0", "Matrikon"), WINDOWS, "honeywell:matrikonopc_explorer"),
    (SoftwareItem("Qt Creator.app", "12.0", bundle_id="org.qt-project.qtcreator"), MAC, "nokia:qt_creator"),
])
def test_a_publisher_the_products_name_begins_with_confirms_the_product(matcher: FeedMatcher, item: SoftwareItem,
                                                                         os_name: str, expected: str) -> None:
    key, evidence = product(matcher, item, os_name)
    assert key == expected
    assert "is named after it" in evidence


def test_a_publisher_named_after_the_whole_product_with_more_does_not_confirm_another_vendors_product(matcher: FeedMatcher) -> None:
    # com.postgresapp is named after Postgres.app, not a sign that the app is supabase:postgres.
    assert product(matcher, SoftwareItem("Postgres.app", "2.7", bundle_id="com.postgresapp.Postgres2"), MAC)[0] is None


def test_a_mac_app_is_not_moved_to_a_desktop_build_without_the_products_cves(matcher: FeedMatcher) -> None:
    # NVD files Webex Meetings' CVEs under cisco:webex_meetings; webex_meetings_desktop has none.
    item = SoftwareItem("Cisco Webex Meetings.app", "44.2", bundle_id="com.cisco.webexmeetingsapp")
    assert product(matcher, item, MAC)[0] == "cisco:webex_meetings"
    assert product(matcher, SoftwareItem("Claude.app", "0.7", bundle_id="com.anthropic.claudefordesktop"), MAC)[0] == \
        "anthropic:claude_desktop"


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    # project_2016 and project have no CVEs each: the year names a release of microsoft:project.
    ("Microsoft Project Professional 2016", "Microsoft Corporation", "microsoft:project"),
    # xshell has a CVE, xshell_7 none: the major number is a release.
    ("Xshell 7", "NetSarang Computer, Inc.", "netsarang:xshell"),
    # NVD files the CVEs under visual_studio_2022: the year stays in the product.
    ("Visual Studio Community 2022", "Microsoft Corporation", "microsoft:visual_studio_2022"),
])
def test_a_year_or_major_number_is_a_release_unless_nvd_files_the_cves_under_the_numbered_product(
        matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("AnyDesk MSI", "AnyDesk Software GmbH", "anydesk:anydesk"),
    ("Npcap OEM", "Nmap Project", "nmap:npcap"),
    ("Ghostscript GPL 10.03.1 (64-bit)", "Artifex Software Inc.", "artifex:ghostscript"),
])
def test_packaging_and_licence_words_after_the_name_are_editions(matcher: FeedMatcher, name: str, publisher: str,
                                                                 expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("RealVNC Viewer 7.12.1", "RealVNC", "realvnc:vnc_viewer"),
    ("RealVNC Server", "RealVNC Ltd", "realvnc:vnc_server"),
])
def test_a_vendor_named_after_its_product_line_names_the_lines_products(matcher: FeedMatcher, name: str, publisher: str,
                                                                        expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "7.12.1", publisher))
    assert key == expected
    assert "ends the vendor's name" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Kaseya Agent", "Kaseya", "kaseya:vsa_agent"),
    ("iDRAC Service Module", "Dell Inc.", "dell:emc_idrac_service_module"),
])
def test_the_publishers_one_product_named_with_a_brand_word_more_is_the_program(matcher: FeedMatcher, name: str, publisher: str,
                                                                                expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "with a word or two more" in evidence


def test_studio_is_a_kind_of_program_nvd_keeps_after_a_renamed_product(matcher: FeedMatcher) -> None:
    # Camtasia Studio was renamed Camtasia; NVD files techsmith:camtasia_studio (and the Drupal
    # module camtasia_relay, which "relay" names, not a kind of program).
    key, evidence = app(matcher, "Camtasia 2023.app", "com.techsmith.camtasia2023")
    assert key == "techsmith:camtasia_studio" and "'camtasia studio'" in evidence


def test_a_name_beginning_with_the_publishers_short_name_is_the_publishers_product(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Tungsten Power PDF Advanced", "5.0", "Tungsten Automation"))
    assert key == "tungstenautomation:power_pdf" and "short name 'tungsten'" in evidence


def test_a_major_release_glued_to_a_name_is_read_only_when_the_whole_word_names_nothing(matcher: FeedMatcher) -> None:
    from appliance.matching.display_names import _unglued

    key, evidence = product(matcher, SoftwareItem("Zoiper5 5.6.6", "5.6.6", "Securax LTD"))
    assert key == "zoiper:zoiper" and "major release" in evidence
    # NVD names some products with the number: the whole word is looked up first.
    assert product(matcher, SoftwareItem("Anaconda3 2023.09-0 (Python 3.11.5 64-bit)", "2023.09", "Anaconda, Inc."))[0] == (
        "anaconda:anaconda3")
    # A digit after a short word (a name like "Mp3"), and a 1 or 0, is no release glued on.
    assert [_unglued(w) for w in ("zoiper5", "mpg3", "action1", "nginx0")] == ["zoiper", "mpg3", "action1", "nginx0"]


def test_an_abbreviation_is_read_after_the_editions_and_year(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Microsoft Office LTSC Standard 2021 - en-gb", "16.0", "Microsoft Corporation"))
    assert key == "microsoft:office_long_term_servicing_channel" and "abbreviates" in evidence
    assert product(matcher, SoftwareItem("Microsoft OneNote Home and Student 2016 - en-gb", "16.0", "Microsoft Corporation"))[0] == (
        "microsoft:onenote")


def test_the_publishers_byline_is_not_part_of_the_name(matcher: FeedMatcher) -> None:
    assert product(matcher, SoftwareItem("WebAdvisor by McAfee", "4.1", "McAfee, LLC"))[0] == "mcafee:webadvisor"
    # Only the publisher's own name after "by" is a byline.
    assert product(matcher, SoftwareItem("WebAdvisor by McAfee", "4.1", "Someone Else Ltd"))[0] is None


def test_a_bundle_id_on_a_hosting_site_names_a_project_vendor(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Hugin.app", "2023.0.0", bundle_id="net.sourceforge.Hugin"), MAC)
    assert key == "hugin_project:hugin" and "hosted on sourceforge" in evidence
    # Without that bundle id a one-word name of a project vendor stays too weak.
    assert product(matcher, SoftwareItem("Hugin.app", "2023.0.0"), MAC)[0] is None
    # The app's name must be a label of the id, and only a "<name>_project" vendor file it.
    assert product(matcher, SoftwareItem("Skim.app", "1.7", bundle_id="net.sourceforge.skim-app.skim"), MAC)[0] is None


def test_the_bundle_ids_company_may_be_nvds_other_spelling_of_it(matcher: FeedMatcher) -> None:
    key, evidence = product(matcher, SoftwareItem("Tableau Public 2024.3.app", "2024.3.1",
                                                  bundle_id="com.tableausoftware.tableaupublic"), MAC)
    assert key == "tableau:tableau_public_desktop" and "also spells 'tableau'" in evidence
    # An app named only by its maker: the id's word names the product exactly.
    key, evidence = product(matcher, SoftwareItem("Wolfram.app", "14.1.0", bundle_id="com.wolfram.Mathematica"), MAC)
    assert key == "wolfram_research:mathematica" and "by its maker" in evidence
    # A product both spellings file is no choice of the bundle id's: the 2015 dictionary decides (session 17).
    key, evidence = product(matcher, SoftwareItem("Skype.app", "8.0", bundle_id="com.skype.skype"), MAC)
    assert key == "skype:skype" and "skype_technologies:skype" in evidence and "2015 dictionary" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Lexmark Universal v2 XL", "Lexmark International, Inc.", "lexmark:universal_print_driver"),
    ("HP Universal Printing PCL 6", "HP", "hp:universal_print_driver"),
    # Another word than print words makes another program; a maker without such a product has none.
    ("HP Smart Universal Printing", "HP Inc.", None),
    ("KONICA MINOLTA Universal Printer Driver PCL", "KONICA MINOLTA", None),
])
def test_a_printer_makers_universal_driver_is_its_universal_print_driver(
        matcher: FeedMatcher, name: str, publisher: str, expected: str | None) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_piece_its_vendor_files_apart_is_that_product(matcher) -> None:
    # Session 15: "Remote Desktop Services Web Client" is microsoft:remote_desktop plus the words
    # "web client", a product NVD files apart (remote_desktop_web_client), not Remote Desktop.
    (result,) = matcher.match([SoftwareItem("Remote Desktop Services Web Client", "1.0.72", "Microsoft Corporation", None,
                                            "windows_program")], "Windows Server 2022")
    assert result.match is not None, result.reason
    assert ":remote_desktop_web_client:" in result.match.cpe, result.match.evidence


@pytest.mark.parametrize(("item", "expected"), [
    # Session 15: a previous generation, a personal tier and a cross-platform rewrite are editions.
    (SoftwareItem("Evernote Legacy.app", "10.0.9", "", None, "macos_app", "com.evernote.Evernote"), "evernote:evernote"),
    (SoftwareItem("Splashtop Personal.app", "3.7.2.0", "", None, "macos_app", "com.splashtop.splashtop2"), "splashtop:splashtop"),
    (SoftwareItem("Fiddler Everywhere.app", "5.20.0", "", None, "macos_app", "com.telerik.FiddlerEverywhere"), "telerik:fiddler"),
])
def test_legacy_personal_and_everywhere_are_edition_words(matcher: FeedMatcher, item: SoftwareItem, expected: str) -> None:
    key, evidence = product(matcher, item, MAC)
    assert key == expected
    assert "after dropping edition words" in evidence


@pytest.mark.parametrize("name", ["Camtasia 2024", "Camtasia 2023"])
def test_the_publishers_product_with_a_kind_word_is_read_after_the_release(matcher: FeedMatcher, name: str) -> None:
    # TechSmith renamed Camtasia Studio to Camtasia; Windows lists it with its release year.
    key, evidence = product(matcher, SoftwareItem(name, "24.1.3", "TechSmith Corporation"))
    assert key == "techsmith:camtasia_studio"
    assert "the release" in evidence


def test_a_short_name_with_a_glued_major_release_needs_the_vendor(matcher: FeedMatcher) -> None:
    # "ZOC8" of com.emtec.zoc8 is emtec:zoc, read because the bundle id names the vendor.
    key, evidence = product(matcher, SoftwareItem("ZOC8.app", "8.09.3", "", None, "macos_app", "com.emtec.zoc8"), MAC)
    assert key == "emtec:zoc" and "major release" in evidence
    # Without a vendor a three-letter name is not unglued (_unglued reads five letters or more).
    assert product(matcher, SoftwareItem("ZOC8.app", "8.09.3", "", None, "macos_app"), MAC)[0] is None


def test_a_windows_product_named_with_windows_and_more_keeps_the_word(matcher: FeedMatcher) -> None:
    # Session 15: "Windows Admin Center 2410" (a YYMM release) is microsoft:windows_admin_center,
    # not visual_planning:admin_center; "windows" alone still names nothing.
    assert product(matcher, SoftwareItem("Windows Admin Center 2410", "2.4.2", "Microsoft Corporation"))[0] == "microsoft:windows_admin_center"
    assert product(matcher, SoftwareItem("Microsoft Windows Desktop Runtime - 8.0.11 (x64)", "8.0.11",
                                         "Microsoft Corporation"))[0] == "microsoft:.net"


def test_an_ampersand_has_no_initial(matcher: FeedMatcher) -> None:
    # Session 15: STARFACE's "Unified Communication & Collaboration Client" is written "UCC Client".
    key, evidence = product(matcher, SoftwareItem("STARFACE UCC Client", "8.0", "STARFACE GmbH"))
    assert key == "starface:unified_communication_\\&_collaboration_client" and "initials" in evidence


def test_a_program_named_only_by_its_maker_is_the_makers_product_of_it(matcher: FeedMatcher) -> None:
    # Session 15: the vendor spelled like the name files the product under a longer name.
    assert product(matcher, SoftwareItem("KiCad 7.0.10", "7.0.10", "KiCad"))[0] == "kicad:kicad_eda"
    assert product(matcher, SoftwareItem("KiCad.app", "8.0.6", "", None, "macos_app", "org.kicad-pcb.kicad"), MAC)[0] == "kicad:kicad_eda"
    # ... not a brand of the company (canva:affinity) nor an installer filed under the name.
    assert product(matcher, SoftwareItem("Canva", "1.90", "Canva"))[0] is None
    assert product(matcher, SoftwareItem("Vivaldi", "6.9", ""))[0] is None


def test_an_alias_on_a_mac_is_the_mac_build_nvd_files_apart(matcher: FeedMatcher) -> None:
    # Session 15: the alias names foxit:pdf_reader; NVD files the Mac build as pdf_reader_for_mac.
    item = SoftwareItem("Foxit PDF Reader.app", "2024.3", "", None, "macos_app", "com.foxit-software.Foxit.PDF.Reader")
    assert product(matcher, item, MAC)[0] == "foxit:pdf_reader_for_mac"
    assert product(matcher, SoftwareItem("Foxit PDF Reader", "2024.3", "Foxit Software Inc."))[0] == "foxit:pdf_reader"


def test_a_program_named_only_by_its_maker_is_its_one_installed_program(matcher: FeedMatcher) -> None:
    # Session 15: Zscaler files client_connector beside its cloud services and proxy.
    assert product(matcher, SoftwareItem("Zscaler", "4.3.0.181", "Zscaler Inc."))[0] == "zscaler:client_connector"
    item = SoftwareItem("Zscaler.app", "4.4.0.57", "", None, "macos_app", "com.zscaler.zscaler")
    key, evidence = product(matcher, item, MAC)
    assert key == "zscaler:client_connector" and "named only by its maker" in evidence


def test_a_coined_name_by_a_publisher_nvd_does_not_know_is_its_one_product(matcher: FeedMatcher) -> None:
    # Session 15: a person or a renamed company cannot contradict the dictionary.
    key, evidence = product(matcher, SoftwareItem("PhonerLite 3.29", "3.29", "Heiko Sommerfeldt"))
    assert key == "phoner:phonerlite" and "is no NVD vendor" in evidence
    assert product(matcher, SoftwareItem("NSClient++ (x64)", "0.5.2", "MySolutions Nordic"))[0] == "nsclient:nsclient\\+\\+"
    # An everyday word is no coined name: Rhino by McNeel is not mozilla:rhino.
    assert product(matcher, SoftwareItem("Rhino 8", "8.12", "Robert McNeel & Associates"))[0] is None


def test_for_mac_after_an_app_name_is_the_platform(matcher: FeedMatcher) -> None:
    # Session 15, round 2: as "for Windows" on Windows, the name before it is the product.
    key, evidence = app(matcher, "Bitdefender Antivirus for Mac.app", "com.bitdefender.BitdefenderVirusScanner")
    assert key == "bitdefender:antivirus" and "names the platform" in evidence
    # NVD's separate Mac build of the product is still the Mac app's product.
    assert app(matcher, "Microsoft Excel for Mac.app", "com.microsoft.Excel")[0] == "microsoft:excel_for_mac"


def test_a_name_of_several_words_by_a_publisher_nvd_does_not_know_is_its_one_product(matcher: FeedMatcher) -> None:
    # Session 16: word for word the one product of that name, one word of it rare, and the
    # publisher (a person, a distributor) no NVD vendor to say otherwise.
    key, evidence = product(matcher, SoftwareItem("Far Manager 3 x64", "3.0", "Eugene Roshal & Far Group"))
    assert key == "rarlab:far_manager" and "word for word" in evidence
    assert product(matcher, SoftwareItem("Sentinel LDK License Manager", "9.0", "Thales"))[0] == \
        "gemalto:sentinel_ldk_license_manager"
    # A publisher that is an NVD vendor filing no product of the name: its new owner or distributor.
    assert product(matcher, SoftwareItem("KEPServerEX 6", "6.0", "PTC"))[0] == "kepware:kepserverex"
    assert product(matcher, SoftwareItem("Podman Desktop", "1.10", "Red Hat, Inc."))[0] == "linuxfoundation:podman_desktop"
    # Everyday words only: a web application's name, not this program.
    assert product(matcher, SoftwareItem("Task Manager", "1.0", "Foo Ltd"))[0] is None
    # A product named after the publisher's company, filed under another vendor, is that vendor's build.
    assert product(matcher, SoftwareItem("Realtek High Definition Audio Driver", "6.0", "Realtek Semiconductor Corp."))[0] is None
    # On a Mac the bundle id's company is no publisher the system lists (session 14's false alarm).
    assert app(matcher, "Another Redis Desktop Manager.app", "me.qii404.another-redis-desktop-manager")[0] is None


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Intuit Lacerte Tax 2023", "Intuit Inc.", "intuit:lacerte"),
    ("QuickBooks Desktop Accountant 2024", "Intuit Inc.", "intuit:quickbooks"),
    ("CorelDRAW Graphics Suite 2023 (64-Bit)", "Corel Corporation", "corel:coreldraw"),
    # Words after the year are a tool of that release; a piece with code, another kind of
    # program, or the vendor's own name as a product are not the product either.
    ("QuickBooks 2024 Tool Hub", "Intuit Inc.", None),
    ("Autodesk Revit Content Libraries 2024", "Autodesk", None),
    ("Microsoft Skype Meeting App 2016", "Microsoft Corporation", None),
    ("Sage 50 Accounting - US Edition 2024", "Sage Software, Inc.", None),
])
def test_a_yearly_release_names_its_product_line_after_the_product(matcher: FeedMatcher, name: str, publisher: str,
                                                                     expected: str | None) -> None:
    # Session 16: "<product> <edition or line words> <year>" by the product's vendor.
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    if expected:
        assert "names no NVD product" in evidence


def test_a_self_named_projects_server_is_the_project(matcher: FeedMatcher) -> None:
    # Session 16: NVD files the project itself (the server), and a desktop client apart.
    key, evidence = product(matcher, SoftwareItem("Jellyfin Server 10.8.13", "10.8.13", "Jellyfin Project"))
    assert key == "jellyfin:jellyfin" and "names no NVD product" in evidence
    assert app(matcher, "Jellyfin Server.app", "org.jellyfin.server.macos")[0] == "jellyfin:jellyfin"
    assert app(matcher, "TigerVNC Viewer 1.13.1.app", "com.tigervnc.tigervnc")[0] == "tigervnc:tigervnc"
    # A program a hand alias names (an installed client) is no project with a server.
    assert product(matcher, SoftwareItem("TeamViewer Server", "15.0", "TeamViewer"))[0] is None


def test_a_product_without_cves_gives_way_to_its_name_with_one_word_apart_in_front(matcher: FeedMatcher) -> None:
    # Session 16: NVD names one product both ways and files its CVEs under one of them.
    key, evidence = product(matcher, SoftwareItem("GPL Ghostscript 10.03.1 (64bit)", "10.03.1", "Artifex Software Inc."))
    assert key == "artifex:ghostscript" and "without the first word" in evidence
    # Not when the shorter name is only common words: ESET Cyber Security is not eset:security.
    assert app(matcher, "ESET Cyber Security.app", "com.eset.ecs")[0] == "eset:cyber_security"


def test_a_trailing_language_is_no_part_of_the_name(matcher: FeedMatcher) -> None:
    # Session 16: "English" after the version was read as a word of the product's name.
    name = "Microsoft Visual Basic for Applications 7.1 (x64) English"
    assert product(matcher, SoftwareItem(name, "7.1", "Microsoft Corporation"))[0] == "microsoft:visual_basic_for_applications"


def test_a_mac_apps_three_digit_number_is_a_word_of_its_name(matcher: FeedMatcher) -> None:
    # Session 16: as the Windows cleaning keeps it; "Norton 360" was read as "Norton".
    assert app(matcher, "Norton 360.app", "com.symantec.nortonsecurity")[0] == "symantec:norton_360"
    assert app(matcher, "Autodesk Fusion 360.app", "com.autodesk.fusion360")[0] == "autodesk:fusion_360"


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("R for Windows 4.3.2", "R Core Team", "r_project:r"),
    ("Ruby 3.2.2-1-x64", "RubyInstaller Team", "ruby-lang:ruby"),
    ("Ruby 3.3.4-1-x64 with MSYS2", "RubyInstaller Team", "ruby-lang:ruby"),
])
def test_a_publisher_named_as_the_products_team_confirms_the_product(matcher: FeedMatcher, name: str, publisher: str,
                                                                      expected: str) -> None:
    # Session 16: the vendor is then chosen as for a name without a publisher.
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected and "own team" in evidence


def test_a_team_keeps_the_doubts_of_a_name_without_a_publisher(matcher: FeedMatcher) -> None:
    # apache:pulsar's vendor is not named after it: "Pulsar" by Pulsar Edit is the editor.
    assert product(matcher, SoftwareItem("Pulsar", "1.1", "Pulsar Edit"))[0] is None


def test_a_publisher_nvd_does_not_know_reads_the_name_as_without_a_publisher(matcher: FeedMatcher) -> None:
    # Session 16: a person says nothing of the vendor; joplinapp:joplin has the CVEs.
    key, evidence = product(matcher, SoftwareItem("Joplin 2.13.11", "2.13.11", "Laurent Cozic"))
    assert key == "joplinapp:joplin" and "no NVD vendor" in evidence
    # ... with the same doubts: mozilla:rhino's vendor is not named after it.
    assert product(matcher, SoftwareItem("Rhino 8", "8.12", "Robert McNeel & Associates"))[0] is None


def test_a_mac_bundle_company_named_after_the_app_is_no_team(matcher: FeedMatcher) -> None:
    # com.postgresapp names the app, not a team of supabase:postgres.
    assert app(matcher, "Postgres.app", "com.postgresapp.Postgres2")[0] is None


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Macrium Reflect Workstation", "Paramount Software (UK) Ltd.", "macrium:reflect"),
    ("Citrix Workspace 2402 LTSR", "Citrix Systems, Inc.", "citrix:workspace"),
    # Workgroup is the edition; NVD files the CVEs under actian:psql, not pervasive_psql.
    ("Pervasive PSQL v11 SP3 Workgroup (32-bit)", "Pervasive Software Inc.", "actian:psql"),
])
def test_workstation_workgroup_and_ltsr_are_editions(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    # Session 16.
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_publisher_nvd_spells_longer_names_the_product_after_its_short_name(matcher: FeedMatcher) -> None:
    # Session 16: "SALTO Systems" is no NVD vendor, but names saltosystem, which files the rest.
    assert product(matcher, SoftwareItem("Salto ProAccess SPACE", "6.8", "SALTO Systems"))[0] == "saltosystem:proaccess_space"


def test_a_branded_name_with_a_kind_of_program_after_it_is_that_product(matcher: FeedMatcher) -> None:
    # Session 16: NVD files Duo's Device Health under Cisco, named with "application" after it.
    assert product(matcher, SoftwareItem("Duo Device Health", "5.0", "Duo Security"))[0] == "cisco:duo_device_health_application"
    assert app(matcher, "Duo Device Health.app", "com.duosecurity.devicehealth")[0] == "cisco:duo_device_health_application"


def test_an_installed_program_is_the_electron_build_nvd_files_apart(matcher: FeedMatcher) -> None:
    # Session 16, round 3: jitsi:meet is the meeting server; the desktop app is meet_electron.
    key, evidence = app(matcher, "Jitsi Meet.app", "org.jitsi.jitsi-meet")
    assert key == "jitsi:meet_electron" and "Electron build" in evidence
    assert product(matcher, SoftwareItem("Pritunl Client", "1.3", "Pritunl"))[0] == "pritunl:pritunl-client-electron"


@pytest.mark.parametrize(("name", "bundle_id"), [
    ("Joplin.app", "com.electron.joplin"),  # electron-builder's default appId
    ("Cursor.app", "com.todesktop.230313mzl4w4u92"),  # a ToDesktop build
    ("Burp Suite Community Edition.app", "com.install4j.9806-9061-9802-5066.75"),  # an install4j launcher
])
def test_a_bundle_id_an_app_building_tool_wrote_names_no_company(matcher: FeedMatcher, name: str, bundle_id: str) -> None:
    # Session 16, round 3: read as the tool's company, "electron" (an NVD vendor) refused every
    # name it did not file; the app is read as one without a publisher.
    key, said = app(matcher, name, bundle_id)
    assert "'electron'" not in said and "todesktop" not in said and "install4j" not in said
    if name == "Joplin.app":
        assert key == "joplinapp:joplin"  # as without a bundle id: its CVEs single it out


def test_a_vendor_named_get_and_the_product_is_named_after_it(matcher: FeedMatcher) -> None:
    # Session 16, round 3: getkap (getkap.co) is Kap's own site, as getmedis is Medis's.
    assert app(matcher, "Kap.app", "com.wulkano.kap")[0] == "getkap:kap"
    assert app(matcher, "Medis.app", "li.zihua.medis")[0] == "getmedis:medis"
    # Not for a common word: Jamf's Composer.app is not PHP's getcomposer:composer.
    assert app(matcher, "Composer.app", "com.jamfsoftware.Composer")[0] is None


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Enpass.app", "in.sinew.Enpass-Desktop", "enpass:desktop_application"),
    ("Asana.app", "com.electron.asana", "asana:desktop"),
])
def test_a_mac_app_named_only_by_its_maker_is_the_makers_one_installed_program(
        matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    # Session 16, round 3: the Mac side of "Zscaler" by Zscaler (zscaler:client_connector).
    key, evidence = app(matcher, name, bundle_id)
    assert key == expected and "named only by its maker" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Adobe Bridge CC 2019.app", "com.adobe.bridge9", "adobe:bridge"),  # bridge_cc: no CVE; bridge: the CVEs
    ("Adobe InDesign CC 2019.app", "com.adobe.InDesign", "adobe:indesign"),  # no indesign_cc: "CC" is the edition
])
def test_adobes_creative_cloud_edition_is_the_product_nvd_files_the_cves_under(
        matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    # Session 16, round 3.
    assert app(matcher, name, bundle_id)[0] == expected


# Session 16, round 4 (written from held-out sets 22-25).
def test_an_apple_bundle_id_refuses_another_vendors_product(matcher: FeedMatcher) -> None:
    item = SoftwareItem("System Information.app", "11.0", "", None, "macos_app", "com.apple.SystemProfiler")
    found, reason = product(matcher, item, MAC)
    assert found is None and "com.apple.SystemProfiler" in reason and "systeminformation" in reason


def test_an_apple_bundle_id_keeps_apples_products(matcher: FeedMatcher) -> None:
    item = SoftwareItem("Safari.app", "17.5", "", None, "macos_app", "com.apple.Safari")
    assert product(matcher, item, MAC)[0] == "apple:safari"


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Thunderbird Daily.app", "org.mozilla.thunderbird-daily", "mozilla:thunderbird"),
    ("Xcode-16.1.0-Beta.3.app", "com.apple.dt.Xcode", "apple:xcode"),
])
def test_daily_builds_and_a_pre_release_after_the_version_are_the_app(matcher: FeedMatcher, name: str, bundle_id: str, expected: str) -> None:
    # Session 17: "daily" is a release channel; the bundles Xcode downloads are renamed to carry
    # the version and its pre-release after a hyphen.
    assert app(matcher, name, bundle_id)[0] == expected


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("Go Programming Language amd64 go1.23.1", "https://go.dev", "golang:go"),  # go1.23.1: Go's release tag
    ("Epson iProjection Ver.3.20", "Seiko Epson Corporation", "epson:iprojection"),  # "Ver." for version
])
def test_a_version_glued_to_a_word_is_a_version(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    assert product(matcher, SoftwareItem(name, "1.0", publisher))[0] == expected


def test_a_glued_version_keeps_a_release_nvd_names() -> None:
    from appliance.matching.normalize import clean_display_name
    # Two or three letters and three numbers only: Adobe's "CS5.5" is a product word (dreamweaver_cs5.5).
    assert clean_display_name("Adobe Dreamweaver CS5.5") == "adobe dreamweaver cs5.5"
    assert clean_display_name("LibreOffice 7.6.7.2 Help Pack (English (GB))") == "libreoffice help pack"


def test_a_vendor_read_off_the_first_word_yields_to_the_publishers_product(matcher: FeedMatcher) -> None:
    # Session 17: titan:ftp_server (vendor "titan" + "ftp server", no CVE, no 2015 title) is not
    # South River Technologies' Titan FTP Server.
    key, _ = product(matcher, SoftwareItem("Titan FTP Server", "2.0", "South River Technologies"))
    assert key in ("southrivertech:titan_ftp_server", "south_river_technologies:titan_ftp_server")
    # A split with a 2015 title keeps its place: DameWare before SolarWinds bought it.
    key, evidence = product(matcher, SoftwareItem("Dameware Mini Remote Control x64", "12.3", "SolarWinds"))
    assert key == "dameware:mini_remote_control"


@pytest.mark.parametrize("name", ["Sage 50", "Sage 50cloud Accounts v29"])
def test_a_makers_name_and_a_number_is_not_the_company_named_key(matcher: FeedMatcher, name: str) -> None:
    # Session 17: sage:sage is the key Sage (13 products) gives its own name, not its accounting line.
    key, reason = product(matcher, SoftwareItem(name, "29.0", "Sage GmbH"))
    assert key is None and "sage:sage" in reason and "maker's name" in reason


def test_app_name_drops_a_version_after_an_underscore() -> None:
    from appliance.matching.normalize import app_name
    # Session 17: CI images keep several Xcodes side by side as "Xcode_16.1.app".
    assert [app_name(n) for n in ("Xcode_16.1.app", "Xcode_15.app", "Foo_Bar.app")] == ["Xcode", "Xcode", "Foo_Bar"]


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("USBPcap 1.5.4.0", "Tomasz Mon", "usbpcap_project:usbpcap"),
    ("Tftpd64", "Ph. Jounin", "tftpd64_project:tftpd64"),
])
def test_a_persons_coined_one_word_program_is_its_lone_project(matcher: FeedMatcher, name: str, publisher: str, expected: str) -> None:
    # Session 17: capitals or digits inside the word make it no common word another project chose.
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected and "coined name" in evidence


def test_a_plain_word_by_a_person_stays_refused_for_a_lone_project(matcher: FeedMatcher) -> None:
    # "Barrier" (barrier_project:barrier) is an everyday word: the "<name>_project" doubt stays.
    assert product(matcher, SoftwareItem("Barrier", "2.4.0", "Debauchee"))[0] is None


@pytest.mark.parametrize(("name", "source", "expected"), [
    # Session 19: a coined word NVD uses only in one vendor's "<word> <kind>" products.
    ("Kiro.app", "macos_app", "amazon:kiro_ide"),
    ("kiro", "homebrew", "amazon:kiro_ide"),
    ("gitkraken", "homebrew", "axosoft:gitkraken_desktop"),
])
def test_a_coined_word_without_a_publisher_is_its_installed_program(matcher: FeedMatcher, name: str, source: str,
                                                                    expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.0", "", None, source), MAC)
    assert key == expected
    assert "only in the products of vendor" in evidence


@pytest.mark.parametrize("name", ["Support.app", "Weave.app"])
def test_a_plain_or_shared_word_is_not_read_as_a_program(matcher: FeedMatcher, name: str) -> None:
    # root3:support_app: "support" is used by many products; weave_desktop is filed under two vendors.
    key, _ = product(matcher, SoftwareItem(name, "1.0", "", None, "macos_app"), MAC)
    assert key is None


def test_one_product_under_two_vendor_spellings_is_the_spelling_filing_most_products(matcher: FeedMatcher) -> None:
    # Session 19: trend_micro:officescan and trendmicro:officescan hold no CVE in the feed; NVD
    # files 114 products under "trendmicro", 53 under "trend_micro" (key order chose the latter).
    key, evidence = product(matcher, SoftwareItem("Trend Micro OfficeScan Agent", "14.0", "Trend Micro Inc."))
    assert key == "trendmicro:officescan"
    assert "trend_micro:officescan" in evidence


def test_a_release_channel_after_a_windows_name_is_the_programs_build(matcher: FeedMatcher) -> None:
    # Session 19: "Dev" after the name, as on a Mac ("Microsoft Edge Dev.app").
    key, evidence = product(matcher, SoftwareItem("Microsoft Edge Dev", "133.0.3065.4", "Microsoft Corporation"))
    assert key == "microsoft:edge_chromium"
    assert "release channel" in evidence


def test_an_early_access_build_of_a_mac_app_is_the_app(matcher: FeedMatcher) -> None:
    # Session 19: JetBrains' EAP builds ("Rider 2024.3 EAP.app", bundle id com.jetbrains.rider-EAP).
    item = SoftwareItem("Rider 2024.3 EAP.app", "2024.3", "", None, "macos_app", "com.jetbrains.rider-EAP")
    key, evidence = product(matcher, item, MAC)
    assert key == "jetbrains:rider"
    assert "'EAP' is a release channel" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    # Session 19: a Mac app "<Vendor> <Product> <build words>", read as the cask of that build is.
    ("MongoDB Compass Readonly.app", "com.mongodb.compass.readonly", "mongodb:compass"),
    ("MongoDB Compass Isolated Edition.app", "com.mongodb.compass.isolated", "mongodb:compass"),
])
def test_build_words_after_a_mac_apps_vendor_and_product_are_an_edition(matcher: FeedMatcher, name: str, bundle_id: str,
                                                                        expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "1.44", "", None, "macos_app", bundle_id), MAC)
    assert key == expected
    assert "build words" in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    # Session 19: a hardware maker's drivers, named by the device; trademark signs glued to words.
    ("Intel® Wireless Bluetooth®", "Intel Corporation", "intel:wireless_bluetooth_drivers"),
    ("Intel(R) Wireless Bluetooth(R)", "Intel Corporation", "intel:wireless_bluetooth_drivers"),
])
def test_a_makers_entry_named_by_the_device_is_its_driver(matcher: FeedMatcher, name: str, publisher: str,
                                                          expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "23.60.5.1", publisher))
    assert key == expected
    assert "whose one product of that name" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    # Session 19: "<Product> for <browser>" is the product's browser extension where NVD files one.
    ("1Password for Safari.app", "com.1password.safari", "1password:1password_in_the_browser"),
    ("Grammarly for Safari.app", "com.grammarly.safari.extension", "grammarly:grammarly"),
])
def test_an_app_for_a_browser_is_the_products_extension(matcher: FeedMatcher, name: str, bundle_id: str,
                                                        expected: str) -> None:
    key, evidence = product(matcher, SoftwareItem(name, "8.10", "", None, "macos_app", bundle_id), MAC)
    assert key == expected
    assert "'for Safari'" in evidence


def test_a_number_no_product_name_ends_in_skips_lookups_with_the_same_results(index, monkeypatch) -> None:
    # Session 19: the lookups of a run of words that ends in a number no product name (or
    # by_head name) run together ends in are skipped (CpeIndex.product_endings, head_endings);
    # they could find nothing, so every result is as when each lookup is made.
    import json
    from pathlib import Path

    labelled = json.loads((Path(__file__).parent / "labelled_items.json").read_text())["items"]
    items = [SoftwareItem(f"{i['name']} {n}", i["version"], i["vendor"] or "")
             for i in labelled if i["os"].startswith("Windows") for n in (303, 2019, 7)]
    assert "303" not in index.product_endings  # (the name would not take the shortcut)
    skipped = FeedMatcher(index).match(items, WINDOWS)
    every = {str(n) for n in range(10_000)}
    monkeypatch.setattr(index, "product_endings", index.product_endings | every)
    monkeypatch.setattr(index, "head_endings", index.head_endings | every)
    assert FeedMatcher(index).match(items, WINDOWS) == skipped


def test_product_endings_are_the_numbers_product_names_end_in(index) -> None:
    assert "2019" in index.product_endings and "19" in index.product_endings  # (visual_studio_2019 ...)
    assert all(name[-n:] in index.product_endings for name in index.by_product for n in (1, 2, 3, 4)
               if name[-n:].isdigit())
    assert all(end.isdigit() and len(end) <= 4 for end in index.product_endings | index.head_endings)
    assert all(name[-2:] in index.head_endings for name in index.by_head if name[-2:].isdigit())


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("PSPP", "GNU PSPP", "gnu:pspp"),
    ("CIMPLICITY 2022", "GE Digital", "ge:cimplicity"),
    ("Cscape 10.0", "Horner APG", "hornerautomation:cscape"),
])
def test_a_publisher_that_signs_with_its_companys_short_name_first_names_the_vendor(matcher: FeedMatcher, name: str,
                                                                                   publisher: str, expected: str) -> None:
    # Session 20: a division or product team ("GE Digital", "GNU PSPP") or a company's short
    # name with an organisation word NVD adds ("Horner APG" is hornerautomation).
    key, evidence = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected
    assert "by its first word" in evidence


@pytest.mark.parametrize(("name", "expected"), [
    ("WinCC OA 3.19", "siemens:simatic_wincc_oa"),
    ("S7-PLCSIM V17", "siemens:simatic_s7-plcsim"),
    ("STEP 7-Micro/WIN SMART V2.8", "siemens:simatic_step_7_micro\\/win_smart"),
])
def test_a_name_without_its_product_familys_word_is_the_vendors_product_with_it(matcher: FeedMatcher, name: str,
                                                                                expected: str) -> None:
    # Session 20: "simatic" begins 80 of Siemens' products; display names drop it.
    key, evidence = product(matcher, SoftwareItem(name, "1.0", "Siemens AG"))
    assert key == expected
    assert "family word 'simatic'" in evidence


def test_one_common_word_is_not_read_as_a_family_product(matcher: FeedMatcher) -> None:
    # "edge" begins ten or more of Microsoft's products; "Update" alone names none of them.
    key, _ = product(matcher, SoftwareItem("Update for Microsoft Windows (KB5034441)", "1.0", "Microsoft Corporation"))
    assert key is None


@pytest.mark.parametrize("name", [
    "Python 3.12.4 Test Suite (64-bit)", "Python 3.12.4 Development Libraries (64-bit)", "Python 3.12.4 Utility Scripts (64-bit)",
])
def test_pythons_installer_features_that_carry_code_are_python(matcher: FeedMatcher, name: str) -> None:
    # Session 20: the features Python's installer lists as programs of their own, as "Standard Library".
    key, evidence = product(matcher, SoftwareItem(name, "3.12.4150.0", "Python Software Foundation"))
    assert key == "python:python"
    assert "carries its code" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Adobe Photoshop CS6.app", "com.adobe.Photoshop", "adobe:photoshop"),
    ("Adobe Acrobat XI Pro.app", "com.adobe.Acrobat.Pro", "adobe:acrobat"),
])
def test_a_release_named_key_without_cves_is_the_product_that_holds_them(matcher: FeedMatcher, name: str, bundle_id: str,
                                                                         expected: str) -> None:
    # Session 20: adobe:photoshop_cs6 and adobe:acrobat_xi hold no CVE; NVD files them under the product.
    key, evidence = product(matcher, SoftwareItem(name, "13.0", "", source="macos_app", bundle_id=bundle_id), MAC)
    assert key == expected
    assert "none under" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected"), [
    ("Adobe Premiere Pro CC 2018.app", "com.adobe.PremierePro.12", "adobe:premiere_pro"),
    ("Adobe Prelude CC 2018.app", "com.adobe.prelude", "adobe:prelude"),
])
def test_a_creative_cloud_key_beside_the_product_is_the_product_without_cves(matcher: FeedMatcher, name: str, bundle_id: str,
                                                                             expected: str) -> None:
    # Session 21: neither adobe:premiere_pro_cc nor adobe:premiere_pro holds a CVE in the feed;
    # the edition's key is still reported as the product, as Photoshop CC's is.
    key, evidence = product(matcher, SoftwareItem(name, "12.1", "", source="macos_app", bundle_id=bundle_id), MAC)
    assert key == expected
    assert "no CVE under either" in evidence


@pytest.mark.parametrize(("name", "bundle_id", "expected", "said"), [
    ("Oxygen XML Editor.app", "com.oxygenxml.editor", "sync:oxygen_xml_editor", "is named after it"),
    ("PrivilegeManagement.app", "com.beyondtrust.privilegemanagement", "beyondtrust:privilege_management_for_mac", "its Mac build"),
])
def test_what_a_bundle_id_says_of_a_mac_app(matcher: FeedMatcher, name: str, bundle_id: str, expected: str, said: str) -> None:
    # Session 20: a bundle id's company that is the product's first words run together
    # ("oxygenxml") confirms the product; a vendor that files only the app's Mac build names it.
    key, evidence = product(matcher, SoftwareItem(name, "26.1", "", source="macos_app", bundle_id=bundle_id), MAC)
    assert key == expected
    assert said in evidence


@pytest.mark.parametrize(("name", "publisher", "expected"), [
    ("VMware Horizon Client 2312", "VMware, Inc.", "vmware:horizon_client"),
    ("GoldenDict-1.5.0", "GoldenDict", "goldendict:goldendict"),
])
def test_a_release_number_after_the_name_or_glued_to_it_comes_off(matcher: FeedMatcher, name: str, publisher: str,
                                                                  expected: str) -> None:
    # Session 20: a YYMM release is dropped before the edition words ("client" stays); a
    # version glued with a hyphen is a version.
    key, _ = product(matcher, SoftwareItem(name, "1.0", publisher))
    assert key == expected


def test_an_edge_edition_is_the_product(matcher: FeedMatcher) -> None:
    # Session 20: "Ignition Edge" is an edition of Inductive Automation's Ignition.
    key, evidence = product(matcher, SoftwareItem("Ignition Edge 8.1.38", "8.1.38", "Inductive Automation"))
    assert key == "inductiveautomation:ignition"
    assert "dropping edition words" in evidence


def test_product_families_are_counted_at_load(index) -> None:
    # Session 20: CpeIndex.families, per vendor run together, most used first.
    assert index.families["siemens"][0] == "simatic"
    assert "simatic" not in index.families.get("microsoft", ())


def test_a_publishers_initials_are_read_once_and_each_name_still_decides(index) -> None:
    # Session 21: _initials_vendor keeps what it reads of the publisher alone per publisher; a
    # publisher that is a vendor itself gives its initials' vendor only to a name that begins
    # with the initials, whichever name asks first.
    publisher = "Hewlett Packard Enterprise Company"
    assert clean_publisher(publisher) and index.by_vendor.get("hpe")
    for order in (("HPE Smart Storage Administrator", "Smart Storage Administrator"),
                  ("Smart Storage Administrator", "HPE Smart Storage Administrator")):
        names = FeedMatcher(index).identifier.names
        asked = {name: names._initials_vendor(publisher, name) for name in order}
        named = names._publishers_initials(publisher)[1]
        assert asked["HPE Smart Storage Administrator"] == "hpe"
        assert asked["Smart Storage Administrator"] == ("" if named else "hpe")
    # A person with an address, or fewer than three words, names no vendor by initials.
    names = FeedMatcher(index).identifier.names
    assert names._initials_vendor("Jane Doe <jane@example.org>", "Some Tool") == ""
    assert names._initials_vendor("Hewlett Packard", "HP Smart") == ""
