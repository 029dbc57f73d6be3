"""The installed bundle provisions a real site inside the Debian 12 root (PINs typed on a pseudo-terminal),
and the kiosk user's `kiosk check-config` on the result says 配置有效."""

from __future__ import annotations

from pathlib import Path

from tests.deploy.test_debian_install import DATA, KIOSK_ENV, SITE
from tests.helpers.debian_root import CHROOT_PATH, DebianRoot
from tests.helpers.terminal import Terminal

PIN = "314159"
SERVICE_POINT = """[service_point]
name = "王家堡村就业社保服务点"
village = "王家堡"
town = "玉泉镇"
county = "天镇县"
address = "山西省大同市天镇县玉泉镇王家堡村村委会"
lat = 40.42
lon = 114.09
counter = "玉泉镇便民服务中心一楼人社窗口"
"""


def test_the_installed_kiosk_provisions_a_site_that_checks_valid(debian_root: DebianRoot, tmp_path: Path) -> None:
    debian_root.file("/root/secret").write_text("a3f9c2e87d1b4a6f9e0c5d2b7a8f1e3c\n", encoding="utf-8")
    debian_root.file("/root/service-point.toml").write_text(SERVICE_POINT, encoding="utf-8")
    term = Terminal(["chroot", str(debian_root.path), "/usr/bin/env", "-i", f"PATH={CHROOT_PATH}", "LANG=C.UTF-8", "HOME=/root",
                     "/usr/bin/kiosk", "provision", "--id", "TZ-YQ-WJB-01", "--platform", "https://platform.example/api",
                     "--secret-file", "/root/secret", "--service-point", "/root/service-point.toml",
                     "--id-card", "none", "--ss-card", "none", "--qr-scanner", "keyboard", "--printer", "sim://"])
    try:
        term.expect("技术员标识", timeout=120)
        term.type("T01-王工")
        term.expect("输入时不显示）：")
        term.type(PIN)
        term.expect("再输入一次：")
        term.type(PIN)
        term.expect("再添加一位技术员吗？")
        term.type("n")
        code = term.wait(120)
    finally:
        term.close()
    (tmp_path / "provision.log").write_text(term.transcript, encoding="utf-8")
    assert code == 0, term.transcript
    assert PIN not in term.transcript and "配置有效" in term.transcript
    modes = debian_root.run("stat", "-c", "%U:%G %a", SITE, "/etc/village-kiosk/credentials.toml").stdout.split("\n")
    assert modes[:2] == ["root:kiosk 640", "kiosk:kiosk 600"], modes
    check = debian_root.run("/opt/village-kiosk/kiosk", "check-config", SITE, user="kiosk", env=KIOSK_ENV)
    assert check.stdout.startswith("配置有效：/opt/village-kiosk/_internal/config/default.toml"), check.stdout
    assert f'"data_dir": "{DATA}"' in check.stdout and '"demo": false' in check.stdout
