"""The plain-Chinese messages the receipt printer shows to residents and technicians."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # health
    "online": "打印机正常",
    "paper_near_end": "打印机正常，打印纸即将用完，请联系工作人员更换",
    "paper_out": "打印机缺纸，请联系工作人员",
    "cover_open": "打印机盖未关好，请联系工作人员",
    "not_ready": "打印机未就绪，请稍后再试或联系工作人员",
    "hardware_error": "打印机故障，请联系工作人员",
    "offline": "打印机未连接，请联系工作人员",
    "unknown_silent": "无法读取打印机状态（打印机没有应答）",
    "unknown_garbled": "无法读取打印机状态（应答无法识别）",
    "unknown_no_channel": "无法读取打印机状态（该连接方式不能回传状态）",
    "unknown_not_supported": "无法读取打印机状态（该型号不支持状态查询）",
    # printing
    "print_failed": "打印未完成，请稍后重试",
    "print_interrupted_paper": "打印过程中缺纸，小票可能不完整，请联系工作人员",
    "print_interrupted_cover": "打印过程中打印机盖被打开，小票可能不完整，请联系工作人员",
    "print_interrupted_offline": "打印过程中打印机断开，小票可能不完整，请稍后重试",
}


def message(key: str, **values: object) -> str:
    """The message for key, with {placeholders} filled in."""
    text = MESSAGES[key]
    return text.format(**values) if values else text
