"""`kiosk provision` run as the technician runs it: the real command on a pseudo-terminal, PINs typed at
getpass prompts (never echoed), into a scratch root that has the package's `kiosk` user."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.provision import APT_KEYRING, APT_SOURCES
from kiosk.settings import DEMO_CONFIG, load_settings
from kiosk.technician import PinHash
from tests.helpers.terminal import Terminal

PROJECT_ROOT = Path(__file__).resolve().parents[3]
KIOSK = str(PROJECT_ROOT / ".venv" / "bin" / "kiosk")
KIOSK_UID, KIOSK_GID = 4242, 4343
PIN_1, PIN_2 = "135790", "97531086"
WRONG_AGAIN = "86420975"
SECRET = "d1f0c8b2a7e64f3b9c5d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0"
SERVICE_POINT = """[service_point]
name = "王家堡村就业社保服务点"
village = "王家堡"
town = "玉泉镇"
county = "天镇县"
address = "山西省大同市天镇县玉泉镇王家堡村村委会"
lat = 40.42
lon = 114.09
counter = "玉泉镇便民服务中心一楼人社窗口"
phone = "0352-6000123"
"""
DEMO_SERVICE_POINT = DEMO_CONFIG.read_text(encoding="utf-8").split("[service_point]", 1)[1].split("\n[", 1)[0]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A root with the kiosk user and group the package's postinst creates."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text(f"root:x:0:0::/root:/bin/sh\nkiosk:x:{KIOSK_UID}:{KIOSK_GID}::"
                                     "/var/lib/village-kiosk:/usr/sbin/nologin\n", encoding="utf-8")
    (tmp_path / "secret").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "service-point.toml").write_text(SERVICE_POINT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A throwaway repository key: (ASCII-armored export, binary export), both made by gpg."""
    home = tmp_path_factory.mktemp("gnupg")
    os.chmod(home, 0o700)

    def gpg(*args: str) -> bytes:
        return subprocess.run(["gpg", "--homedir", str(home), "--batch", *args], check=True,
                              capture_output=True, timeout=60).stdout

    gpg("--passphrase", "", "--quick-gen-key", "Village Kiosk Test Archive <test@localhost>", "ed25519", "sign", "1d")
    return gpg("--armor", "--export"), gpg("--export")


def _provision(root: Path, *extra: str, secret: Path | None = None, service_point: Path | None = None,
               kiosk_id: str = "TZ-YQ-LJZ-02") -> Terminal:
    args = [KIOSK, "provision", "--root", str(root), "--id", kiosk_id, "--platform", "https://platform.example/api",
            "--secret-file", str(secret or root.parent / "secret"),
            "--id-card", "none", "--ss-card", "none", "--qr-scanner", "none", "--printer", "sim://",
            "--data-dir", str(root.parent / "data")]
    if service_point is not None or "--no-service-point" not in extra:
        args += ["--service-point", str(service_point or root.parent / "service-point.toml")]
    args += [a for a in extra if a != "--no-service-point"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "LANG": "C.UTF-8"}
    env.pop("KIOSK_CONFIG", None)
    env.pop("KIOSK_PLATFORM_SECRET", None)
    return Terminal(args, env=env, cwd=root.parent)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for term in started:
        term.close()


def _enter_technician(term: Terminal, label: str, pin: str, *, again: str | None = None) -> None:
    term.expect("技术员标识")
    term.type(label)
    term.expect("输入时不显示）：")
    term.type(pin)
    term.expect("再输入一次：")
    term.type(pin if again is None else again)


def _mode_owner(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid


def test_provision_writes_a_valid_site_with_technician_pins_never_echoed(
        scratch: Path, signing_key: tuple[bytes, bytes], terminals: list[Terminal]) -> None:
    armored, binary = signing_key
    (scratch.parent / "archive.asc").write_bytes(armored)
    term = _provision(scratch, "--apt-repo", "http://127.0.0.1:8080/apt", "--apt-key", str(scratch.parent / "archive.asc"))
    terminals.append(term)
    _enter_technician(term, "T01-王工", PIN_1)
    term.expect("再添加一位技术员吗？")
    term.type("y")
    _enter_technician(term, "T02-李工", PIN_2, again=WRONG_AGAIN)  # mismatch: asked again
    term.expect("两次输入的 PIN 不一致")
    _enter_technician(term, "T02-李工", PIN_2)
    term.expect("再添加一位技术员吗？")
    term.type("")
    code = term.wait()
    shown = term.transcript
    assert code == 0, shown
    assert "T01-王工" in shown  # the label typed was echoed, as typed text is on a terminal …
    for pin in (PIN_1, PIN_2, WRONG_AGAIN):
        assert pin not in shown, shown  # … the PINs never
    assert "配置有效" in shown

    etc = scratch / "etc/village-kiosk"
    site, credentials = etc / "site.toml", etc / "credentials.toml"
    settings = load_settings(site, env={})
    assert not settings.demo and settings.kiosk_id == "TZ-YQ-LJZ-02"
    assert settings.service_point.village == "王家堡"
    assert settings.platform.credentials_file == credentials
    assert credentials.read_text(encoding="utf-8") == f'kiosk_id = "TZ-YQ-LJZ-02"\nsecret = "{SECRET}"\n'
    hashes = [PinHash.parse(line) for line in settings.technician_pin_hashes]
    assert [h.label for h in hashes] == ["T01-王工", "T02-李工"]
    assert hashes[0].matches(PIN_1) and hashes[1].matches(PIN_2)
    assert PIN_1 not in site.read_text(encoding="utf-8")

    sources = scratch / APT_SOURCES
    assert sources.read_text(encoding="utf-8") == (
        "Types: deb\nURIs: http://127.0.0.1:8080/apt\nSuites: stable\nComponents: main\n"
        "Signed-By: /etc/apt/keyrings/village-kiosk-archive-keyring.gpg\n")
    assert (scratch / APT_KEYRING).read_bytes() == binary  # dearmored, as gpg --export writes it

    if os.geteuid() == 0:
        assert _mode_owner(site) == ("0o640", 0, KIOSK_GID)
        assert _mode_owner(credentials) == ("0o600", KIOSK_UID, KIOSK_GID)
        assert _mode_owner(etc) == ("0o750", 0, KIOSK_GID)
        assert _mode_owner(scratch / APT_KEYRING) == ("0o644", 0, 0)
        assert _mode_owner(sources) == ("0o644", 0, 0)
    else:
        assert _mode_owner(site)[0] == "0o640" and _mode_owner(credentials)[0] == "0o600"

    check = subprocess.run([KIOSK, "check-config", str(site)], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert check.returncode == 0 and check.stdout.startswith("配置有效"), check.stderr


def test_a_binary_key_is_copied_as_it_is(scratch: Path, signing_key: tuple[bytes, bytes],
                                         terminals: list[Terminal]) -> None:
    (scratch.parent / "archive.gpg").write_bytes(signing_key[1])
    term = _provision(scratch, "--apt-repo", "https://apt.example.cn/kiosk", "--apt-key", str(scratch.parent / "archive.gpg"))
    terminals.append(term)
    _enter_technician(term, "T01-王工", PIN_1)
    term.expect("再添加一位技术员吗？")
    term.type("n")
    assert term.wait() == 0, term.transcript
    assert (scratch / APT_KEYRING).read_bytes() == signing_key[1]
    assert "URIs: https://apt.example.cn/kiosk\n" in (scratch / APT_SOURCES).read_text(encoding="utf-8")


def _refused(term: Terminal, key: str) -> str:
    assert term.wait() == 2, term.transcript
    shown = term.transcript
    assert "站点未配置完成，未写入任何文件" in shown and key in shown, shown
    return shown


def _nothing_written(root: Path) -> None:
    assert not (root / "etc/village-kiosk/site.toml").exists()
    assert not (root / "etc/village-kiosk/credentials.toml").exists()


@pytest.mark.parametrize("case", ["demo kiosk id", "demo secret", "demo credentials file", "demo service point",
                                  "no service point"])
def test_provision_refuses_a_demo_value_before_asking_for_pins(scratch: Path, terminals: list[Terminal],
                                                               case: str) -> None:
    """The refusals are kiosk.settings' own real-site checks: same key and wording as at start-up."""
    kw: dict[str, object] = {}
    extra: tuple[str, ...] = ()
    key = {"demo kiosk id": "kiosk.id", "demo secret": "platform.credentials_file",
           "demo credentials file": "platform.credentials_file", "demo service point": "service_point.name",
           "no service point": "service_point."}[case]
    if case == "demo kiosk id":
        kw["kiosk_id"] = "TZ-YQ-LJZ-01"
    elif case == "demo secret":
        demo_secret = (PROJECT_ROOT / "config/demo-credentials.toml").read_text(encoding="utf-8").split('secret = "')[1]
        (scratch.parent / "demo-secret").write_text(demo_secret.split('"')[0], encoding="utf-8")
        kw["secret"] = scratch.parent / "demo-secret"
    elif case == "demo credentials file":  # the demo's own file, kiosk_id changed to this kiosk's
        text = (PROJECT_ROOT / "config/demo-credentials.toml").read_text(encoding="utf-8")
        (scratch.parent / "creds.toml").write_text(text.replace("TZ-YQ-LJZ-01", "TZ-YQ-LJZ-02"), encoding="utf-8")
        kw["secret"] = scratch.parent / "creds.toml"
    elif case == "demo service point":
        (scratch.parent / "demo-sp.toml").write_text("[service_point]" + DEMO_SERVICE_POINT, encoding="utf-8")
        kw["service_point"] = scratch.parent / "demo-sp.toml"
    else:
        extra = ("--no-service-point",)
    term = _provision(scratch, *extra, **kw)  # type: ignore[arg-type]
    terminals.append(term)
    shown = _refused(term, key)
    assert "演示" in shown or "缺少配置项" in shown
    assert "技术员标识" not in shown  # refused before any PIN was asked
    _nothing_written(scratch)


def test_provision_refuses_the_published_demo_pin(scratch: Path, terminals: list[Terminal]) -> None:
    term = _provision(scratch)
    terminals.append(term)
    _enter_technician(term, "T01-王工", "246810")
    term.expect("再添加一位技术员吗？")
    term.type("n")
    shown = _refused(term, "technician.pin_hashes")
    assert "演示技术员的 PIN" in shown
    assert "246810" not in shown.split("站点未配置完成")[0]  # not echoed when typed
    _nothing_written(scratch)


def test_provision_refuses_without_the_kiosk_user(tmp_path: Path, terminals: list[Terminal]) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")
    (tmp_path / "service-point.toml").write_text(SERVICE_POINT, encoding="utf-8")
    term = _provision(root)
    terminals.append(term)
    assert term.wait() == 2
    assert "系统用户 kiosk 不存在" in term.transcript
    _nothing_written(root)


def test_the_help_names_every_option() -> None:
    shown = subprocess.run([KIOSK, "provision", "--help"], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}).stdout
    for option in ("--id", "--platform", "--secret-file", "--service-point", "--apt-repo", "--apt-key", "--root"):
        assert option in shown
    assert shutil.which("gpg"), "gpg is missing: run scripts/system-deps.sh"


def test_a_folder_that_cannot_be_written_is_a_clear_refusal(scratch: Path, terminals: list[Terminal]) -> None:
    (scratch / "etc/village-kiosk").write_text("not a folder", encoding="utf-8")
    term = _provision(scratch)
    terminals.append(term)
    _enter_technician(term, "T01-王工", PIN_1)
    term.expect("再添加一位技术员吗？")
    term.type("n")
    assert term.wait() == 2, term.transcript
    assert "无法写入" in term.transcript and "Traceback" not in term.transcript, term.transcript
