"""The site settings' tables as pydantic models (config/schema.py): one model per [table] of the settings files.

Each key is described once here: its type and range, its allowed words, its default, whether a merged
configuration must have it, in `description` what a technician should write (the "应为…" of an error message)
and in `title` what the key is for. kiosk/settings.py validates the merged layers with these models and
builds the Settings dataclasses from them; `python -m kiosk.settings_reference` writes README's table from them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

from config.schema import NON_BLANK, Table
from devices.uri import DeviceUriError, parse_device_uri

# What a technician should write, where a validator of ours (not a range or a list of words) decides.
URL_FORM = "以 https:// 开头、含主机名的地址，如 https://platform.example/api（http:// 只用于本机 127.0.0.1 / localhost）"
PIN_HASH_FORM = "kiosk hash-pin 生成的行（scrypt:标识:n:r:p:盐:摘要）；本值不予显示"
TIMEZONE_FORM = "时区名称，如 \"Asia/Shanghai\"（区分大小写）"
DEVICE_FORM = "设备地址字符串"


class WholeMessage(ValueError):
    """A validator's message that already names the key (shown as is after the file name)."""


def _int(lo: int, hi: int, title: str) -> Any:
    return Field(ge=lo, le=hi, description=f"{lo} 到 {hi} 之间的整数", title=title)


def _float(lo: float, hi: float, title: str) -> Any:
    return Field(ge=lo, le=hi, description=f"{lo} 到 {hi} 之间的数", title=title)


def _choice(options: tuple[str, ...], title: str) -> Any:
    return Field(description="以下之一：" + " / ".join(options), title=title)


def _flag(title: str) -> Any:
    return Field(description="true 或 false", title=title)


Text = Annotated[str, NON_BLANK, Field(description="非空字符串")]
AnyText = Annotated[str, Field(description="字符串")]
Words = Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(description="字符串列表，如 [\"all\"]")]


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: the sandbox and the tests, never a real platform."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(v: str) -> str:
    """https:// with a host; plain http:// only for a loopback host (ID numbers never travel in clear)."""
    try:
        parts = urlsplit(v)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError as exc:
        raise ValueError(URL_FORM) from exc
    host = parts.hostname or ""
    if not host or parts.scheme not in ("https", "http") or (parts.scheme == "http" and not is_loopback_host(host)):
        raise ValueError(URL_FORM)
    return v.rstrip("/")


def _device(kind: str) -> Callable[[str], str]:
    def check(v: str) -> str:
        from devices.base import DeviceKind
        from devices.factory import check_address

        try:
            parse_device_uri(v)
        except DeviceUriError as exc:
            raise ValueError(exc.args[0]) from exc
        try:
            check_address(DeviceKind(kind), v)
        except DeviceUriError as exc:
            raise WholeMessage(exc.args[0]) from exc
        return v

    return check


def _sam_device(v: str) -> str:
    """The social security card PSAM: `pcsc://<its reader>` (options key_usage, key_version, df) or `none`."""
    from devices.factory import check_sam_address

    try:
        check_sam_address(v)
    except DeviceUriError as exc:
        raise WholeMessage(exc.args[0]) from exc
    return v


def _timezone(v: str) -> str:
    """An IANA zone name the system's zone database knows (Debian package tzdata)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(TIMEZONE_FORM) from exc
    return v


def _pin_hashes(lines: list[str]) -> list[str]:
    """Each line must parse as a `kiosk hash-pin` line (else technician entry fails at the kiosk)."""
    from kiosk.technician import PinHash, PinHashInvalid

    for line in lines:
        try:
            PinHash.parse(line)
        except PinHashInvalid as exc:
            raise ValueError(PIN_HASH_FORM) from exc
    return lines


Url = Annotated[str, AfterValidator(_url), Field(description=URL_FORM)]


class KioskTable(Table):
    """[kiosk]: this machine."""

    id: Annotated[Text, Field(title="平台分配给本机的编号")]
    data_dir: Annotated[Text, Field(title="数据目录（离线缓存、待发送队列、日志、技术员修改文件）；相对路径按所在文件的目录解析")]
    orientation: Annotated[Literal["auto", "landscape", "portrait"],
                           _choice(("auto", "landscape", "portrait"), "屏幕方向（当前版本按窗口宽高自动排版，尚不读取此项）")]
    demo: Annotated[bool, _flag("演示模式：加载 config/demo.toml 并显示演示设备面板")]
    province_profile: Annotated[Text, Field(title="服务事项目录的省份配置（config/catalogue/profiles 下的文件名）")]


class ServicePointTable(Table):
    """[service_point]: where the kiosk stands (seed 003 附件2)."""

    name: Annotated[Text, Field(title="服务点名称")]
    village: Annotated[Text, Field(title="所在村（社区）")]
    town: Annotated[Text, Field(title="所在乡镇（街道）")]
    county: Annotated[Text, Field(title="所在县（区）")]
    address: Annotated[Text, Field(title="服务点地址")]
    lat: Annotated[float, _float(-90, 90, "纬度")]
    lon: Annotated[float, _float(-180, 180, "经度")]
    counter: Annotated[Text, Field(title="柜面办理地点（打印在一次性告知单上）")]
    phone: Annotated[AnyText, Field(title="服务点电话（暂停服务屏幕和告知单上显示）")] = ""
    timezone: Annotated[str, AfterValidator(_timezone),
                        Field(description=TIMEZONE_FORM, title="屏幕和凭条上的时间所用时区，与系统时区无关")] = "Asia/Shanghai"
    web_hall_url: Annotated[Url, Field(title="本省网上办事大厅地址（单位业务的二维码）；不填则不显示")] = ""


class PlatformTable(Table):
    """[platform]: the province platform the kiosk talks to."""

    url: Annotated[Url, Field(title="平台接口地址")]
    credentials_file: Annotated[Text, Field(title="平台为本机签发的凭据文件（kiosk_id 与 secret）")]
    ca_bundle: Annotated[AnyText, Field(title="平台证书的 CA 文件（PEM）；留空用系统证书")] = ""
    connect_timeout_s: Annotated[float, _float(0.1, 60, "连接平台的超时（秒）")]
    read_timeout_s: Annotated[float, _float(0.1, 300, "回复中两段数据之间最长的等待（秒）")]
    call_deadline_s: Annotated[float, _float(1, 600, "一次调用（连接、发送、读完回复）最长的总时间（秒）")] = 30.0
    max_reply_bytes: Annotated[int, _int(65_536, 268_435_456, "接受的最大回复（解压后，字节）")] = 8 * 1024 * 1024
    start_sandbox: Annotated[bool, _flag("仅演示：在 127.0.0.1 上启动本机演示平台")] = False


class DevicesTable(Table):
    """[devices]: device addresses (URIs) and the receipt printer's model."""

    id_card: Annotated[str, AfterValidator(_device("id_card")), Field(
        description=DEVICE_FORM, title="身份证阅读器地址，如 serial:///dev/ttyUSB0?baud=115200 或 sim://")]
    ss_card: Annotated[str, AfterValidator(_device("ss_card")), Field(
        description=DEVICE_FORM, title="社保卡读卡器地址，如 pcsc://Virtual PCD 或 pcsc://*")]
    ss_card_sam: Annotated[str, AfterValidator(_sam_device), Field(
        description="pcsc://读卡器名称 或 none", title="三代社保卡的 PSAM 所在读卡槽，或 none")] = "none"
    qr_scanner: Annotated[str, AfterValidator(_device("qr_scanner")), Field(
        description=DEVICE_FORM, title="扫码器地址，如 serial:///dev/ttyACM0?baud=9600 或 keyboard")]
    printer: Annotated[str, AfterValidator(_device("printer")), Field(
        description=DEVICE_FORM, title="凭条打印机地址，如 usb://0x0416:0x5011、tcp://192.168.1.50:9100、"
                                       "file://<数据目录>/receipt.bin（须在数据目录之内）")]
    printer_profile: Annotated[Text, Field(title="打印机型号（config/printer_profiles.toml 中的名称）")]
    camera: Annotated[str, AfterValidator(_device("camera")), Field(
        description=DEVICE_FORM, title="一寸照片摄像头地址，如 v4l2:///dev/video0 或 sim://；none：到柜台拍照")] = "none"


class TimeoutsTable(Table):
    """[timeouts]: how long a resident's session lasts."""

    idle_warning_s: Annotated[int, _int(10, 3600, "无人操作多少秒后提示")]
    idle_countdown_s: Annotated[int, _int(20, 600, "提示后倒计时多少秒结束会话（须小于 max_session_s）")]
    max_session_s: Annotated[int, _int(60, 7200, "一次会话最长多少秒")]
    max_extensions: Annotated[int, _int(10, 1000, "一次会话最多延长几次")]
    device_status_s: Annotated[float, _float(0.1, 30, "查询设备状态（如打印机缺纸）的超时（秒）")]
    staff_session_s: Annotated[int, _int(5, 7200, "全程代理：工作人员登录后会话多少秒结束")] = 1200


class SyncTable(Table):
    """[sync]: the outbox and the reference data."""

    push_interval_s: Annotated[int, _int(1, 86400, "发送待发送队列的间隔（秒）")]
    pull_interval_s: Annotated[int, _int(10, 86400, "更新离线数据的间隔（秒）")]
    heartbeat_interval_s: Annotated[int, _int(5, 86400, "向平台报到的间隔（秒）")]
    purge_after_days: Annotated[int, _int(1, 3650, "已办结的提交在本机保留内容多少天（审计记录一直保留）")]


class ServicesTable(Table):
    """[services]: which service items this kiosk offers."""

    enabled: Annotated[Words, Field(title="开放的事项：all、分组名、事项编号或事项代码")]
    disabled_items: Annotated[
        list[int | Annotated[str, StringConstraints(min_length=1)]],
        Field(description="事项序号、编号或代码的列表，如 [16, \"S000-08\", \"unemployment_registration\"]",
              title="在 enabled 之外再关闭的事项"),
    ] = []


class LoggingTable(Table):
    """[logging]: the kiosk's log file."""

    level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"],
                     _choice(("DEBUG", "INFO", "WARNING", "ERROR"), "日志级别")]
    max_bytes: Annotated[int, _int(10_000, 1_000_000_000, "一个日志文件的最大字节数")] = 2_000_000
    backups: Annotated[int, _int(1, 1000, "保留几个旧日志文件")] = 10


class UpdatesTable(Table):
    """[updates]: `kiosk update` (README "Updates, hold and rollback")."""

    health_timeout_s: Annotated[int, _int(5, 3600, "新版本须在多少秒内报告正常，否则回退")]
    restart_command: Annotated[Words, Field(title="安装后重启自助机会话的命令")]
    status_dir: Annotated[Text, Field(title="运行中的自助机写 health.json 与 session.json 的目录")]
    apt_source: Annotated[Text, Field(title="APT 源文件（由 kiosk provision 写入）")]
    apt_keyring: Annotated[Text, Field(title="APT 签名公钥文件（apt 的 _apt 用户须能读取）")]
    apt_pin_file: Annotated[Text, Field(title="锁定或指定版本的 APT 偏好文件")]


class SpeechTable(Table):
    """[speech]: voice guidance (kiosk/speech)."""

    engine: Annotated[Literal["espeak", "recording", "none"],
                      _choice(("espeak", "recording", "none"), "语音引擎：espeak（离线普通话）、recording（测试）或 none")] = "espeak"
    voice: Annotated[Text, Field(title="espeak-ng 的声音")] = "cmn"
    rate_wpm: Annotated[int, _int(80, 450, "语速（每分钟词数）")] = 170
    volume: Annotated[int, _int(0, 100, "音量")] = 100
    prompt_dir: Annotated[AnyText, Field(title="本省录制的提示音目录（<界面文字键>.wav 或 .ogg）；留空只用合成")] = ""
    player: Annotated[Literal["auto", "pw-play", "paplay", "aplay"],
                      _choice(("auto", "pw-play", "paplay", "aplay"), "播放程序；auto 取第一个可用的")] = "auto"
    on_by_default: Annotated[bool, _flag("每次会话都朗读（否则由 语音、帮助 或 长辈模式 打开）")] = False
    on_in_elderly_mode: Annotated[bool, _flag("长辈模式下朗读")] = True


class TechnicianTable(Table):
    """[technician]: who may enter technician mode."""

    pin_hashes: Annotated[list[str], AfterValidator(_pin_hashes), Field(
        description=PIN_HASH_FORM, title="本站技术员的 PIN 哈希（kiosk hash-pin 生成）；为空则不能进入技术员模式")] = []
    entry_taps: Annotated[int, _int(3, 20, "进入技术员模式须连续点按的次数")] = 5
    lockout_s: Annotated[int, _int(10, 86400, "PIN 多次输错后首次锁定的秒数（同日再次锁定时加倍）")] = 300


# The settings files' tables, in the order they are checked and documented.
SECTIONS: Mapping[str, type[Table]] = {
    "kiosk": KioskTable,
    "service_point": ServicePointTable,
    "platform": PlatformTable,
    "devices": DevicesTable,
    "timeouts": TimeoutsTable,
    "sync": SyncTable,
    "services": ServicesTable,
    "logging": LoggingTable,
    "updates": UpdatesTable,
    "speech": SpeechTable,
    "technician": TechnicianTable,
}
