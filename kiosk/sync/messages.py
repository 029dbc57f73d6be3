"""Every plain-Chinese text the sync engine shows or stores (network state, audit texts for technicians)."""

from __future__ import annotations

# Network state as the screen shows it (NetworkState value -> label).
NETWORK_LABELS: dict[str, str] = {
    "online": "已联网",
    "offline": "网络未连接：提交的申请已保存在本机，联网后自动上传",
}

# Texts stored in the outbox audit row (last_error) when a technician must look. Never personal data.
AUDIT_TEXTS: dict[str, str] = {
    "idempotency_conflict": "平台上同一幂等键已有内容不同的提交，需技术员核对 (IDEMPOTENCY_CONFLICT)",
    "kiosk_auth": "平台拒绝了本机的身份或时间校验，需技术员处理 ({code})",
    "payload_invalid": "本机保存的申请内容格式不对，无法上传，需技术员处理 ({detail})",
    "unavailable": "平台暂时无法连接，稍后重试 ({code})",
    "unexpected": "上传时发生意外错误，稍后重试 ({detail})",
    "replayed_nonce": "请求被平台当作重复请求，稍后重试 ({code})",
    "stale_timestamp": "本机时钟与平台相差太多，已按平台时间校正，稍后重试 ({code})",
}

# The technician's clock warning (`kiosk sync status`, the technician sync panel) beyond CLOCK_WARNING_S.
CLOCK_WARNING_S = 60.0
CLOCK_WARNING = ("本机时钟比平台{direction} {amount}。联网办理已自动按平台时间校正，"
                 "但收据、日志和办件上的时间仍按本机时钟，请校准本机时间。")
CLOCK_DIRECTIONS = {"fast": "快", "slow": "慢"}

# The reason shown in 我的办件 when the platform refused a submission without its own words.
REJECTED_FALLBACK = "平台未受理这份申请，请到柜台咨询"

# The one line `kiosk sync run` prints on stderr when the cycle did not finish (exit 1 or 3).
SYNC_RUN_TEXTS: dict[str, str] = {
    "unreachable": "同步未完成：平台无法连接或应答异常（{code}）。已保存的申请不会丢失，联网后自动上传。",
    "attention": "同步未完成：有 {count} 件申请需要技术员处理，详见 kiosk sync status。",
    "incomplete": "同步未完成：部分申请或信息这次没有传完（{code}），稍后自动重试。",
}
