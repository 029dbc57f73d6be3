"""Every plain Chinese message the QR scanner package shows, as data."""

from __future__ import annotations

REPEATED = "该二维码已使用，请在手机上刷新电子社保卡后重新扫描"
UNREADABLE = "无法识别这个二维码，请打开电子社保卡二维码后重新扫描"

HEALTH_ONLINE = "扫码器正常"
HEALTH_NO_DEVICE = "未找到扫码器，请联系工作人员检查连接线"
HEALTH_STARTING = "正在连接扫码器"
HEALTH_STOPPED = "扫码器已停止"
