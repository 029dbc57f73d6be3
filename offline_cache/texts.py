"""Every plain-Chinese text this package shows: error messages, case status labels, match reasons."""

from __future__ import annotations

# Errors a resident, operator or technician reads (keys are used by offline_cache.errors).
ERRORS: dict[str, str] = {
    "disk_full": "本机存储空间已满，无法保存数据。请技术人员清理磁盘空间（不要删除 kiosk.db 和 outbox.key）后重新启动。",
    "storage_read_only": "本机数据文件夹不能写入（只读或没有权限）。请技术人员检查磁盘挂载和文件夹权限后重新启动。",
    "storage_io": "本机数据文件夹读写出错。请技术人员检查磁盘后重新启动。",
    "database_corrupt": "本机数据文件已损坏，无法打开。请联系技术人员处理，不要删除数据文件（其中可能有未上传的办件）。",
    "schema_mismatch": "本机数据文件的版本与程序不符，无法打开。请联系技术人员处理。",
    "migration_failed": "本机数据升级失败，原数据已备份。请联系技术人员处理。",
    "key_file_invalid": "本机加密密钥文件无效，无法读取待上传的办件。请联系技术人员处理。",
    "key_missing": "本机加密密钥文件缺失，已加密保存的办件和居民的办件记录无法读取。为免数据丢失，终端已暂停服务。"
                   "请技术人员从备份恢复数据目录中的密钥文件（outbox.key、person.salt 等）；不要删除数据文件，也不要新建密钥。"
                   "确实无法恢复时，运行 kiosk keys forget-lost 查看并放弃无法解密的内容。",
    "key_changed": "本机加密密钥文件与已保存的数据不符（可能被替换或损坏），已加密保存的办件无法读取。为免数据丢失，"
                   "终端已暂停服务。请技术人员恢复原来的密钥文件；不要删除数据文件。确实无法恢复时，运行 kiosk keys forget-lost "
                   "查看并放弃无法解密的内容。",
    "key_lost_item": "本机加密密钥已丢失，这份申请的内容无法恢复，未能上传；请居民重新办理。",
    "payload_unreadable": "这份办件的内容无法解密，需要技术人员处理。",
    "illegal_transition": "办件状态不允许这样操作。",
    "unknown_submission": "没有找到这份办件。",
    "unknown_feed": "没有这类信息。",
    "feed_item_invalid": "平台发来的数据格式不对，这一批没有保存，稍后会重新获取。",
    "unsupported_filter": "这类信息不能按这个条件筛选。",
    "withdraw_not_allowed": "只有未审核的办件可以撤回。",
}

# 我的办件 review status labels (CaseStatus value -> label).
CASE_STATUS_LABELS: dict[str, str] = {
    "awaiting_upload": "待上传",
    "pending": "未审核",
    "approved": "审核通过",
    "rejected": "审核不通过",
    "withdrawn": "已撤回",
}

# Why a job or a seeker was recommended. Templates use str.format fields.
REASONS: dict[str, str] = {
    "distance_km": "距{place} {km} 公里",
    "distance_under_1km": "距{place}不到 1 公里",
    "same_village": "就在{place}",
    "same_town": "在意向乡镇",
    "same_county": "在意向区县",
    "category_exact": "工种相符",
    "category_near": "工种相近",
    "salary_fits": "月薪符合期望",
    "salary_below": "月薪低于期望",
    "daily_wage_fits": "日薪符合期望",
    "daily_wage_below": "日薪低于期望",
    "work_type_fits": "{work_type}，符合意向",
    "dates_fit": "用工日期合适",
    "posted_today": "今天发布",
    "posted_days": "{days} 天内发布",
    "skill_fits": "技能相符",
    "seeker_wage_fits": "期望日薪在您给的范围内",
    "seeker_wage_above": "期望日薪高于您给的工钱",
    "seeker_available": "可上工日期合适",
}


def reason(key: str, **fields: object) -> str:
    """The reason text for `key`, filled in."""
    return REASONS[key].format(**fields)
