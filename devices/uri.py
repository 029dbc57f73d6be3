"""Parse device addresses: serial://, pcsc://, tcp://, file://, usb://, v4l2://, sim://, keyboard."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = ("serial", "pcsc", "tcp", "file", "usb", "v4l2", "sim", "keyboard", "none")


class DeviceUriError(ValueError):
    """A device address that cannot be understood; the message says the expected form."""


@dataclass(frozen=True)
class DeviceUri:
    """A parsed device address."""

    scheme: str
    target: str = ""  # path, reader name pattern, host, or vendor id
    port: int | None = None  # tcp port, or usb product id
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.params:
            if k == name:
                return v
        return default

    def int_param(self, name: str, default: int) -> int:
        raw = self.param(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise DeviceUriError(f"参数 {name} 应为整数，实际为 {raw!r}") from exc

    def __str__(self) -> str:
        if self.scheme in ("keyboard", "none"):
            return self.scheme
        if self.scheme == "tcp":
            return f"tcp://{self.target}:{self.port}"
        if self.scheme == "usb":
            return f"usb://0x{int(self.target, 16):04x}:0x{self.port:04x}"
        q = "&".join(f"{k}={v}" for k, v in self.params)
        return f"{self.scheme}://{self.target}" + (f"?{q}" if q else "")


EXPECTED = (
    "serial:///dev/ttyUSB0?baud=115200, pcsc://Virtual PCD (或 pcsc://*), tcp://127.0.0.1:9100, "
    "file:///path/receipt.bin, usb://0x0416:0x5011, v4l2:///dev/video0, sim://, keyboard, none"
)


def parse_device_uri(text: str) -> DeviceUri:
    """Parse a device address; raise DeviceUriError naming the expected forms."""
    text = (text or "").strip()
    if text in ("keyboard", "none"):
        return DeviceUri(scheme=text)
    if "://" not in text:
        raise DeviceUriError(f"无法识别的设备地址 {text!r}，应为以下形式之一：{EXPECTED}")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    params = tuple((k, v[-1]) for k, v in parse_qs(parts.query, keep_blank_values=True).items())
    if scheme == "sim":
        return DeviceUri("sim", unquote(parts.netloc + parts.path), params=params)
    if scheme == "serial":
        path = unquote(parts.path)
        if not path.startswith("/"):
            raise DeviceUriError(f"串口地址 {text!r} 缺少设备路径，应如 serial:///dev/ttyUSB0?baud=115200")
        uri = DeviceUri("serial", path, params=params)
        uri.int_param("baud", 115200)
        return uri
    if scheme == "pcsc":
        name = unquote(text[len("pcsc://"):]).split("?", 1)[0]
        if not name:
            raise DeviceUriError(f"读卡器地址 {text!r} 缺少读卡器名称，应如 pcsc://Virtual PCD 或 pcsc://*")
        return DeviceUri("pcsc", name, params=params)
    if scheme == "tcp":
        try:
            port = parts.port
        except ValueError as exc:
            raise DeviceUriError(f"网络打印机地址 {text!r} 端口无效，应如 tcp://127.0.0.1:9100") from exc
        if not parts.hostname or port is None:
            raise DeviceUriError(f"网络打印机地址 {text!r} 应如 tcp://127.0.0.1:9100")
        return DeviceUri("tcp", parts.hostname, port, params)
    if scheme == "file":
        path = unquote(parts.path)
        if not path.startswith("/"):
            raise DeviceUriError(f"文件地址 {text!r} 应为绝对路径，如 file:///tmp/receipt.bin")
        return DeviceUri("file", path, params=params)
    if scheme == "v4l2":
        path = unquote(parts.path)
        if not path.startswith("/"):  # /dev/videoN, or a udev link such as /dev/v4l/by-id/…
            raise DeviceUriError(f"摄像头地址 {text!r} 应为 v4l2:// 加设备路径，如 v4l2:///dev/video0")
        return DeviceUri("v4l2", path, params=params)
    if scheme == "usb":
        try:
            vid_s, pid_s = parts.netloc.split(":")
            vid, pid = int(vid_s, 16), int(pid_s, 16)
        except ValueError as exc:
            raise DeviceUriError(f"USB 地址 {text!r} 应如 usb://0x0416:0x5011（厂商号:产品号，十六进制）") from exc
        return DeviceUri("usb", f"{vid:04x}", pid, params)
    raise DeviceUriError(f"不支持的设备地址类型 {scheme!r}，应为以下形式之一：{EXPECTED}")
