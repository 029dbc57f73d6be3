"""Every plain Chinese message of the camera package, as data."""

from __future__ import annotations

HEALTH_ONLINE = "摄像头正常"
HEALTH_STOPPED = "摄像头已停止"
HEALTH_NO_DEVICE = "未连接摄像头，请检查摄像头的 USB 线"
HEALTH_NO_ACCESS = "摄像头无法打开（没有访问权限），请联系技术人员"
HEALTH_NOT_A_CAMERA = "配置的设备不是摄像头，请检查设备地址"
HEALTH_FAILED = "摄像头出现故障，请联系技术人员"
NO_FRAMES_HERE = "摄像头画面由界面直接读取"
