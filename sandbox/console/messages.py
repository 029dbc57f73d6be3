"""The console's Chinese text in one place: page titles, labels, errors and the audit trail's words."""

from __future__ import annotations

ROLE_NAMES = {"province": "省级", "city": "市级", "county": "县级"}

DEVICE_NAMES = {
    "id_card": "身份证读卡器",
    "ss_card": "社保卡读卡器",
    "qr_scanner": "扫码器",
    "printer": "打印机",
    "camera": "摄像头",
}

STATE_NAMES = {
    "offline": "离线（超过15分钟未上报）",
    "device_fault": "设备故障",
    "backlog": "待上传积压",
}

OUTBOX_NAMES = {
    "queued": "待上传",
    "sending": "上传中",
    "accepted": "已受理",
    "rejected": "被退回",
    "needs_attention": "待技术人员处理",
    "withdrawn": "已撤回",
}

SETTING_NAMES = {
    "maintenance_message": "暂停服务提示",
    "enabled_services": "开放的服务",
}

ACTION_NAMES = {
    "login": "登录",
    "logout": "退出",
    "push_setting": "推送设置",
    "push_setting_county": "向全县推送设置",
    "answer_fault": "答复问题反映",
    "forward_fault": "上报问题反映",
    "add_release": "登记版本",
    "rollout_start": "开始发布",
    "rollout_pause": "暂停发布",
    "rollout_resume": "继续发布",
    "rollout_stop": "停止发布",
    "rollout": "发布调整",
}

OUTCOME_NAMES = {"ok": "成功", "refused": "被拒绝"}

# what the kiosk's updater last did (the heartbeat's update.last_outcome, kiosk/updates)
UPDATE_OUTCOME_NAMES = {
    "installed": "已升级", "rolled_back": "升级失败，已回退", "rollback_failed": "回退失败（需技术人员到场）",
    "up_to_date": "已是最新", "held": "保持当前版本", "deferred": "有人在用，下次再升级", "skipped_failed": "跳过失败过的版本",
    "refused": "软件源不可用（签名不对或连不上）", "failed": "升级失败",
}

# the audit page's words for what an entry's detail holds
DETAIL_NAMES = {
    "key": "设置",
    "value": "内容",
    "county": "县",
    "kiosks": "自助机台数",
    "report_no": "问题反映",
    "response": "答复",
    "deadline": "办理期限",
    "reason": "原因",
    "failures": "连续输错次数",
    "locked_until": "锁定到",
    "note": "说明",
    "to_level": "上报到",
    "version": "版本",
    "stage": "范围",
    "message": "原因",
}
REASON_NAMES = {
    "unknown_login": "账号不存在",
    "wrong_password": "密码错误",
    "locked": "账号锁定中",
    "too_many_from_address": "同一地址登录尝试过多",
    "disabled": "账号已停用",
    "not_in_scope": "不在管辖范围内",
    "not_their_desk": "不归本级答复",
    "not_at_level": "不在本级办理",
    "not_province": "只有省级账号能调整发布",
    "rollout_refused": "发布调整不成立",
}

ERRORS = {
    "login_failed": "账号或密码不正确",
    "login_locked": "密码连续输错5次，账号已锁定，请{minutes}分钟后再试",
    "login_disabled": "账号已停用，请联系上级管理员",
    "login_too_many": "这台电脑登录尝试太频繁，请{minutes}分钟后再试",
    "login_blank": "请输入账号和密码",
    "session_expired": "长时间未操作，已自动退出，请重新登录",
    "csrf": "页面已过期，请刷新后重试",
    "not_found": "没有这台自助机，或它不在您的管辖范围内",
    "report_not_found": "没有这条问题反映，或它不在您的管辖范围内",
    "county_not_yours": "这个县不在您的管辖范围内",
    "county_blank": "请选择要推送的县",
    "county_empty": "{county}没有登记的自助机",
    "unknown_setting": "不能推送这项设置",
    "message_too_long": "暂停服务提示不能超过{max}个字",
    "services_unknown": "不认识的服务：{names}",
    "answer_blank": "答复内容不能为空",
    "answer_too_long": "答复不能超过{max}个字",
    "deadline_bad": "办理期限应为日期，例如 2026-12-31",
    "form_too_large": "提交的内容过多",
    "not_answerable": "这条问题反映由{desk}答复，您的账号不能答复",
    "forward_blank": "请说明为什么本级无法解决",
    "forward_too_long": "上报说明不能超过{max}个字",
    "rollout_not_province": "只有省级账号能登记版本和调整发布，您的账号只能查看",
    "rollout_bad_percent": "比例应为大于0、不超过100的数字",
    "rollout_no_target": "请选择一种发布范围：比例、县或一台自助机",
    "rollout_refused": "发布调整未成功：{message}",
}

NOTICES = {
    "pushed": "已推送，自助机下次上报心跳时生效",
    "pushed_cleared": "已撤销，自助机下次上报心跳时恢复本机设置",
    "pushed_county": "已推送到{county}的{count}台自助机，各机下次上报心跳时生效",
    "answered": "已答复，自助机的“问题反映”页将显示答复",
    "forwarded": "已上报上一级办理",
    "rollout_done": "发布已调整，自助机下次上报心跳时生效",
    "release_added": "版本已登记",
}

# the fault list's filters and the steps of a report's history (sandbox/faults.py's event names)
FAULT_STATE_NAMES = {
    "open": "待答复",
    "overdue": "已超时",
    "escalated": "已升级",
    "answered": "已答复",
    "all": "全部",
}
FAULT_EVENT_NAMES = {
    "submitted": "自助机提交",
    "escalated": "到期未答复，自动上报",
    "forwarded": "本级无法解决，上报",
    "answered": "答复",
}

# the 发布 page
ROLLOUT_STATE_NAMES = {
    None: "未发布",
    "active": "发布中",
    "paused": "已暂停",
    "stopped": "已停止",
}
ROLLOUT_GROUP_NAMES = {
    "running": "正在运行",
    "told": "已通知升级",
    "failed": "升级失败",
    "rolled_back": "已回退",
    "rollback_failed": "回退失败（需技术人员到场）",
}

# CLI (python -m sandbox add-console-staff): the operator reads these in a terminal
CLI = {
    "password_prompt": "密码（至少{min}位）：",
    "password_again": "再输入一次：",
    "password_mismatch": "两次输入的密码不一致",
    "created": "已建立控制台账号 {login}（{role} {area}）",
    "updated": "已更新控制台账号 {login}（{role} {area}），密码已重设并解锁",
}

ACCOUNT_ERRORS = {
    "login_form": "账号应为3-64位字母、数字或 _ . -",
    "role": "角色应为 province、city 或 county",
    "area": "请填写管辖区域（省、市或县的名称）",
    "city": "县级账号请用 --city 写明所属的市（例如 大同市）：县名在各市之间会重名",
    "password_short": "密码至少{min}位",
    "name_long": "姓名不能超过100个字",
}
