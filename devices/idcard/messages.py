"""Every plain Chinese message the ID card reader package shows, as data."""

from __future__ import annotations

# SW3 status byte of a SAM reply → (name, category, message). Categories: "ok" (success),
# "no_card" (nothing on the reader), "card" (a card is there but cannot be read: put it back),
# "host" (our frame was bad: retry), "sam" (the reader's security module is faulty: a technician).
SW3_TABLE: dict[int, tuple[str, str, str]] = {
    0x90: ("SUCCESS", "ok", "操作成功"),
    0x9F: ("FIND_OK", "ok", "已找到身份证"),
    0x91: ("NO_CONTENT", "ok", "证件中没有该项内容"),
    0x80: ("NO_CARD", "no_card", "请把身份证放在读卡区"),
    0x81: ("SELECT_FAILED", "card", "身份证读取失败，请把身份证平放在读卡区后不要移动"),
    0x41: ("READ_FAILED", "card", "身份证读取失败，请把身份证平放在读卡区后不要移动"),
    0x40: ("UNKNOWN_CARD_TYPE", "card", "无法识别这张卡，请放入第二代居民身份证"),
    0x31: ("CARD_AUTH_SAM_FAILED", "card", "身份证验证失败，请重新放置身份证"),
    0x32: ("SAM_AUTH_CARD_FAILED", "card", "身份证验证失败，请重新放置身份证"),
    0x33: ("VERIFY_ERROR", "card", "身份证验证失败，请重新放置身份证"),
    0x37: ("FINGERPRINT_ERROR", "card", "指纹信息读取失败，请重新放置身份证"),
    0x47: ("NO_RANDOM", "card", "身份证读取失败，请重新放置身份证"),
    0x10: ("HOST_CHECKSUM", "host", "读卡器通信出错，正在重试"),
    0x11: ("HOST_LENGTH", "host", "读卡器通信出错，正在重试"),
    0x21: ("BAD_COMMAND", "host", "读卡器不支持该操作"),
    0x3F: ("LENGTH_ERROR", "host", "读卡器通信出错，正在重试"),
    0x23: ("UNAUTHORISED", "sam", "身份证读卡器未授权，请联系工作人员"),
    0x24: ("UNKNOWN_ERROR", "sam", "身份证读卡器出现故障，请联系工作人员"),
    0x60: ("SAM_SELFTEST_FAILED", "sam", "身份证读卡器自检失败，请联系工作人员"),
    0x66: ("SAM_NOT_AUTHORISED", "sam", "身份证读卡器未授权，请联系工作人员"),
}
UNRECOGNISED_STATUS = ("UNRECOGNISED", "sam", "身份证读卡器返回了无法识别的状态，请联系工作人员")

# Card texts.
EXPIRED_BY_TYPE: dict[str, str] = {
    "resident_id": "您的身份证已过有效期，请使用有效证件或社保卡办理",
    "hk_mo_tw_permit": "您的港澳台居民居住证已过有效期，请使用有效证件办理",
    "foreign_permanent": "您的外国人永久居留身份证已过有效期，请使用有效证件办理",
}
TEXT_UNREADABLE = "身份证信息读取不完整，请重新放置身份证"
# The number failed the form / date of birth / check digit test: usually a misread, rarely a damaged card.
ID_NUMBER_INVALID = "证件号码读取有误，请重新放置证件；多次仍不行请到柜台办理"
UNSUPPORTED_CARD = "暂不支持读取这种证件，请使用第二代居民身份证、社保卡或电子社保卡"
GENDERS: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# Reader health.
HEALTH_STARTING = "正在连接身份证读卡器"
HEALTH_ONLINE = "身份证读卡器正常"
HEALTH_NO_DEVICE = "未找到身份证读卡器，请联系工作人员检查连接线"
HEALTH_OFFLINE = "身份证读卡器无响应，正在重新连接"
HEALTH_STOPPED = "身份证读卡器已停止"
