"""Chinese translations of the jobs, notifications and shared strings (merged by scripts/fill_translations.py)."""

ZH = {
    "Background jobs": "后台任务", "Queued": "排队中", "Running": "运行中", "Failed": "失败", "Succeeded": "已完成",
    "Cancelled": "已取消", "message": "消息", "result": "结果", "error": "错误", "created by": "创建人",
    "subject type": "对象类型", "subject id": "对象编号", "finished at": "完成时间", "heartbeat": "心跳时间",
    "worker": "执行进程", "attempts": "尝试次数", "jobs": "后台任务", "job": "后台任务", "started": "开始",
    "finished": "完成", "attempt %(n)s": "第 %(n)s 次尝试", "Job": "任务", "No jobs.": "没有任务。",
    "kind": "类型", "parameters": "参数", "progress": "进度", "created at": "创建时间", "started at": "开始时间",
    "Submitted": "提交时间", "By": "提交人", "Progress": "进度", "Cancel": "取消",
    "Notifications": "消息通知", "Information": "通知", "Warning": "预警", "Overdue": "逾期",
    "recipient": "接收人", "subject": "主题", "link": "链接", "read at": "阅读时间", "emailed": "已发邮件",
    "notification": "消息通知", "notifications": "消息通知", "Show all": "显示全部", "Unread only": "仅显示未读",
    "Mark all read": "全部标为已读", "Subject": "主题", "Mark read": "标为已读", "No notifications.": "没有消息。",
    "level": "级别", "Level": "级别", "text": "内容",
    "Verdict": "结论", "Supervision": "督查督办", "Industry": "产业与奖补", "Open list": "开放清单",
    "Approvals": "一件事审批", "Cases": "专项事项", "Coverage": "覆盖分析", "Working-day calendar": "工作日历",
    "This capability is being built.": "该功能正在建设中。",
    "days off": "放假日期", "adjusted working days": "调休上班日期", "holiday names": "节日名称",
    "ISO dates": "ISO 格式日期", "updated at": "更新时间", "calendar year": "年度日历", "calendar years": "年度日历",
    "Working-day calendar ": "工作日历",
}

PLURALS = {
    "%(n)s working day left": "剩余 %(n)s 个工作日",
    "%(n)s working day": "%(n)s 个工作日",
    "%(n)s overdue": "%(n)s 件逾期",
}
