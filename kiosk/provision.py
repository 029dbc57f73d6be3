"""`kiosk provision`: turn an installed kiosk into a real site (site file, credentials, technician PINs, APT source).

Nothing is written until the whole site passes the same checks the kiosk runs at start
(kiosk.settings.load_settings, with its refusals of every demo value): a refused site leaves the
machine as it was. The PINs are asked on the terminal (never echoed, asked twice) and only their
scrypt hashes are stored, as `kiosk hash-pin` makes them.

Files (under --root, default /):
  /etc/village-kiosk/site.toml          0640 root:kiosk   (the unit's --config)
  /etc/village-kiosk/credentials.toml   0600 kiosk:kiosk  (kiosk_id + secret; named relative in site.toml)
  /etc/apt/sources.list.d/village-kiosk.sources  0644 root (deb822; only with --apt-repo/--apt-key)
  /etc/apt/keyrings/village-kiosk-archive-keyring.gpg  0644 root (binary OpenPGP key, dearmored if needed)
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import json
import os
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from kiosk.settings import ConfigError, load_settings
from kiosk.technician import MESSAGES as PIN_MESSAGES
from kiosk.technician import TechnicianError, check_label, check_pin_form, hash_pin

ETC_DIR = "etc/village-kiosk"
SITE_FILE = "site.toml"
CREDENTIALS_FILE = "credentials.toml"
DATA_DIR = "/var/lib/village-kiosk"
KIOSK_USER = "kiosk"
# The interface the kiosk-update timer relies on (h-updates): the source file and the key it names.
APT_SOURCES = "etc/apt/sources.list.d/village-kiosk.sources"
APT_KEYRING = "etc/apt/keyrings/village-kiosk-archive-keyring.gpg"  # readable by apt's _apt user
APT_SUITE = "stable"
APT_COMPONENT = "main"
DEVICE_KEYS = ("id_card", "ss_card", "qr_scanner", "printer")
PIN_TRIES = 3  # wrong or mismatched entries of one technician's PIN before giving up
EXIT_REFUSED = 2

# What the installing technician reads.
MESSAGES: Mapping[str, str] = {
    "refused": "站点未配置完成，未写入任何文件。\n配置错误：{detail}",
    "no_user": "系统用户 {user} 不存在（{root}etc/passwd）：请先安装 village-kiosk 软件包（apt install ./village-kiosk_….deb）",
    "secret_file": "平台密钥文件 {path} 无法读取：{detail}",
    "secret_short": "平台密钥文件 {path} 中的密钥太短（至少 16 个字符）",
    "secret_other_id": "平台密钥文件 {path} 是发给 {other} 的，不是本机 {kiosk_id}",
    "service_point_file": "服务点文件 {path} 无法读取：{detail}",
    "service_point_form": "服务点文件 {path} 应包含 [service_point] 配置段",
    "apt_both": "--apt-repo 与 --apt-key 须同时给出",
    "apt_url": "软件源地址 {url} 无效：应以 https:// 或 http:// 开头并含主机名（软件包由签名保证，不靠传输）",
    "apt_key": "软件源公钥文件 {path} 无效：{detail}",
    "label_prompt": "技术员标识（如 T01-张工）：",
    "pin_prompt": "技术员 {label} 的 PIN（{low} 到 {high} 位数字，输入时不显示）：",
    "pin_again": "再输入一次：",
    "more_prompt": "再添加一位技术员吗？（y/N）：",
    "pin_gave_up": "技术员 PIN 未设置：{detail}",
    "no_terminal": "需要在终端上输入技术员 PIN（标准输入不是终端）",
    "written": "已写入：{path}",
    "cannot_write": "无法写入 {path}：{detail}（须以 root 运行）；已写入的文件：{written}",
}


class ProvisionError(Exception):
    """Provisioning cannot go on; the message says why in plain Chinese and names the file or key."""


@dataclass(frozen=True)
class Owner:
    uid: int
    gid: int


@dataclass(frozen=True)
class Prompts:
    """Where the technician's answers come from (the terminal; tests drive it through a pty)."""

    ask: Callable[[str], str] = input
    ask_secret: Callable[[str], str] = getpass.getpass


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--id", required=True, dest="kiosk_id", help="the kiosk id the platform issued, e.g. TZ-YQ-LJZ-02")
    p.add_argument("--platform", required=True, help="the province platform's https:// address")
    p.add_argument("--secret-file", required=True, type=Path,
                   help="the platform secret: a file holding it alone, or a credentials TOML (kiosk_id, secret)")
    p.add_argument("--service-point", type=Path, help="TOML with the [service_point] section of this site")
    for key in DEVICE_KEYS:
        p.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar="URI",
                       help=f"devices.{key} (see config/default.toml); a technician may change it later")
    p.add_argument("--apt-repo", help="the province's APT repository URL (writes the village-kiosk.sources entry)")
    p.add_argument("--apt-key", type=Path, help="the repository's public signing key (armored or binary)")
    p.add_argument("--data-dir", default=DATA_DIR, help=f"kiosk.data_dir (default {DATA_DIR})")
    p.add_argument("--root", type=Path, default=Path("/"), help="install into this root instead of / (tests)")


def provision_command(args: argparse.Namespace, *, prompts: Prompts | None = None,
                      out: IO[str] | None = None, err: IO[str] | None = None) -> tuple[int, Path | None]:
    """Run `kiosk provision`; returns (exit code, the site file written or None)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        return 0, provision(args, prompts or Prompts(), out)
    except ProvisionError as exc:
        print(exc.args[0], file=err)
        return EXIT_REFUSED, None


def provision(args: argparse.Namespace, prompts: Prompts, out: IO[str]) -> Path:
    root = Path(args.root)
    etc = root / ETC_DIR
    kiosk = _owner(root, KIOSK_USER)
    secret = _read_secret(args.secret_file, args.kiosk_id)
    apt = _apt_source(args.apt_repo, args.apt_key)
    site = _site(args)
    credentials = f"kiosk_id = {json.dumps(args.kiosk_id)}\nsecret = {json.dumps(secret)}\n"
    with tempfile.TemporaryDirectory(prefix=".provision-") as staging:
        # Everything but the PINs first: no PIN is asked for a site that would be refused anyway.
        _check(Path(staging), site, credentials, etc)
        site["technician"] = {"pin_hashes": _ask_pins(prompts, out)}
        _check(Path(staging), site, credentials, etc)
    written: list[Path] = []
    try:
        _make_dir(etc, 0o750, Owner(0, kiosk.gid))
        written.append(_write(etc / CREDENTIALS_FILE, credentials.encode(), 0o600, kiosk))
        written.append(_write(etc / SITE_FILE, _toml(site).encode(), 0o640, Owner(0, kiosk.gid)))
        if apt is not None:
            sources, key = apt
            written.append(_write(root / APT_KEYRING, key, 0o644, Owner(0, 0)))
            written.append(_write(root / APT_SOURCES, sources.encode(), 0o644, Owner(0, 0)))
    except OSError as exc:
        raise ProvisionError(MESSAGES["cannot_write"].format(
            path=exc.filename or root, detail=exc.strerror or type(exc).__name__,
            written="、".join(str(p) for p in written) or "无")) from exc
    for path in written:
        print(MESSAGES["written"].format(path=path), file=out)
    return etc / SITE_FILE


def _site(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    site: dict[str, dict[str, Any]] = {
        "kiosk": {"id": args.kiosk_id, "data_dir": args.data_dir, "demo": False},
        "platform": {"url": args.platform, "credentials_file": CREDENTIALS_FILE},
        "devices": {key: getattr(args, key) for key in DEVICE_KEYS if getattr(args, key)},
    }
    if args.service_point is not None:
        site["service_point"] = _read_service_point(args.service_point)
    return site


def _check(staging: Path, site: dict[str, dict[str, Any]], credentials: str, etc: Path) -> None:
    """The kiosk's own start-up checks (kiosk.settings) on the site as it would be written."""
    (staging / CREDENTIALS_FILE).write_text(credentials, encoding="utf-8")
    site_file = staging / SITE_FILE
    site_file.write_text(_toml(site), encoding="utf-8")
    try:
        load_settings(site_file, env={})
    except ConfigError as exc:  # named as the file it would have been
        detail = str(exc).replace(str(site_file), str(etc / SITE_FILE)).replace(str(staging), str(etc))
        raise ProvisionError(MESSAGES["refused"].format(detail=detail)) from exc


def _ask_pins(prompts: Prompts, out: IO[str]) -> list[str]:
    """At least one technician: label, PIN twice (never echoed); more while the technician says y."""
    hashes: list[str] = []
    while True:
        hashes.append(_ask_one(prompts, out))
        if prompts.ask(MESSAGES["more_prompt"]).strip().lower() not in ("y", "yes", "是"):
            return hashes


def _ask_one(prompts: Prompts, out: IO[str]) -> str:
    problem = ""
    for _ in range(PIN_TRIES):
        try:
            label = prompts.ask(MESSAGES["label_prompt"]).strip()
            check_label(label)
            pin = prompts.ask_secret(MESSAGES["pin_prompt"].format(label=label, low=6, high=12))
            check_pin_form(pin)
            if prompts.ask_secret(MESSAGES["pin_again"]) != pin:
                raise TechnicianError(PIN_MESSAGES["pin_mismatch"])
            return hash_pin(pin, label)
        except TechnicianError as exc:
            problem = exc.message
            print(problem, file=out)
        except EOFError as exc:
            raise ProvisionError(MESSAGES["pin_gave_up"].format(detail=MESSAGES["no_terminal"])) from exc
    raise ProvisionError(MESSAGES["pin_gave_up"].format(detail=problem))


def _read_secret(path: Path, kiosk_id: str) -> str:
    """The file's `secret` when it is a credentials TOML, else its whole text (one line, stripped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvisionError(MESSAGES["secret_file"].format(path=path, detail=type(exc).__name__)) from exc
    secret = text.strip()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = {}
    if isinstance(data.get("secret"), str):
        secret = data["secret"].strip()
        other = data.get("kiosk_id")
        if isinstance(other, str) and other.strip() != kiosk_id:
            raise ProvisionError(MESSAGES["secret_other_id"].format(path=path, other=other, kiosk_id=kiosk_id))
    if len(secret) < 16 or "\n" in secret:
        raise ProvisionError(MESSAGES["secret_short"].format(path=path))
    return secret


def _read_service_point(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProvisionError(MESSAGES["service_point_file"].format(path=path, detail=exc)) from exc
    section = data.get("service_point")
    if not isinstance(section, dict):
        raise ProvisionError(MESSAGES["service_point_form"].format(path=path))
    return section


def _apt_source(url: str | None, key_file: Path | None) -> tuple[str, bytes] | None:
    """The deb822 entry and the binary keyring it names, or None when no repository is given."""
    if url is None and key_file is None:
        return None
    if url is None or key_file is None:
        raise ProvisionError(MESSAGES["apt_both"])
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ProvisionError(MESSAGES["apt_url"].format(url=url))
    try:
        key = dearmor(key_file.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProvisionError(MESSAGES["apt_key"].format(path=key_file, detail=exc)) from exc
    sources = (f"Types: deb\nURIs: {url}\nSuites: {APT_SUITE}\nComponents: {APT_COMPONENT}\n"
               f"Signed-By: /{APT_KEYRING}\n")
    return sources, key


def dearmor(data: bytes) -> bytes:
    """An OpenPGP key as binary packets (what Signed-By wants in a .gpg file), from armored or binary input."""
    text = data.lstrip()
    if not text.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"):
        if not data or not data[0] & 0x80:  # every OpenPGP packet starts with a byte whose top bit is set
            raise ValueError("不是 OpenPGP 公钥（既非 ASCII 装甲也非二进制）")
        return data
    lines = text.decode("ascii", errors="replace").splitlines()
    try:
        end = lines.index("-----END PGP PUBLIC KEY BLOCK-----")
        blank = lines.index("", 1)  # armor headers (Version:, Comment:) end at the first blank line
    except ValueError as exc:
        raise ValueError("ASCII 装甲不完整") from exc
    body = [ln for ln in lines[blank + 1:end] if ln and not ln.startswith("=")]  # "=" line: the CRC24
    try:
        packets = base64.b64decode("".join(body), validate=True)
    except binascii.Error as exc:
        raise ValueError("ASCII 装甲中的 base64 无效") from exc
    if not packets or not packets[0] & 0x80:
        raise ValueError("ASCII 装甲中不是 OpenPGP 数据")
    return packets


def _owner(root: Path, user: str) -> Owner:
    """uid and gid of `user` in the root's own /etc/passwd (the kiosk user the package created)."""
    try:
        for line in (root / "etc/passwd").read_text(encoding="utf-8").splitlines():
            fields = line.split(":")
            if len(fields) >= 4 and fields[0] == user:
                return Owner(int(fields[2]), int(fields[3]))
    except (OSError, ValueError) as exc:
        raise ProvisionError(MESSAGES["no_user"].format(user=user, root=f"{root}/".replace("//", "/"))) from exc
    raise ProvisionError(MESSAGES["no_user"].format(user=user, root=f"{root}/".replace("//", "/")))


def _make_dir(path: Path, mode: int, owner: Owner) -> None:
    """A missing folder (and its parents) with this mode and owner; an existing one is left as it is."""
    if path.is_dir():
        return
    _make_dir(path.parent, 0o755, Owner(0, 0))
    path.mkdir(mode=mode)
    os.chmod(path, mode)  # not narrowed by the process umask
    if os.geteuid() == 0:
        os.chown(path, owner.uid, owner.gid)


def _write(path: Path, data: bytes, mode: int, owner: Owner) -> Path:
    """Atomically: a temporary file with its final mode and owner, fsynced, renamed into place."""
    _make_dir(path.parent, 0o755, Owner(0, 0))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            if os.geteuid() == 0:
                os.fchown(fh.fileno(), owner.uid, owner.gid)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _toml(data: Mapping[str, Mapping[str, Any]]) -> str:
    """Flat TOML sections (JSON strings, numbers, booleans and lists are valid TOML values)."""
    lines = ["# Written by `kiosk provision`; a technician's later changes go to data_dir/site-overrides.toml."]
    for section, values in data.items():
        lines.append(f"\n[{section}]")
        lines.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items())
    return "\n".join(lines) + "\n"
