"""The plain-Chinese messages the social security card reader shows to residents and technicians."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # health
    "online": "社保卡读卡器正常",
    "no_device": "未找到社保卡读卡器，请联系工作人员",
    "offline": "社保卡读卡服务未运行，请联系工作人员",
    "unknown": "社保卡读卡器正在启动",
    # reading
    "read_failed": "社保卡读取失败，请取出后重新插入",
    "pulled_out": "读卡过程中社保卡被取出，请重新插入并等待读取完成",
    "not_ss_card": "这张卡不是社会保障卡，请插入社保卡",
    "card_unresponsive": "社保卡无法读取，请检查插卡方向后重新插入",
    "record_missing": "社保卡上缺少必要信息，请到柜台核查",
    "bad_data": "社保卡上的信息无法识别，请到柜台核查",
    "ssn_invalid": "社保卡上的社会保障号码读取有误，请取出后重新插入；多次仍不行请到柜台核查",
    "expired": "您的社保卡已过有效期，请到柜台办理换卡",
    "partial_third_gen": "这是第三代社保卡，本机只读取了卡号等基本信息，其余信息将由平台补全",
    "auth_failed": "社保卡安全认证未通过，请到柜台办理",
    "sam_failed": "社保卡安全模块（PSAM）无法使用，请联系工作人员",
    # PIN
    "pin_wrong": "密码错误，还可以再试{tries}次",
    "pin_wrong_unknown": "密码错误，请重新输入",
    "pin_locked": "社保卡密码已锁定，请到柜台解锁",
    "pin_format": "密码应为6位数字",
    "pin_failed": "密码校验失败，请重新插卡后再试",
    "no_card": "请先插入社保卡",
}


def message(key: str, **values: object) -> str:
    """The message for key, with {placeholders} filled in."""
    text = MESSAGES[key]
    return text.format(**values) if values else text
