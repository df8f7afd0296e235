"""Chinese translations of the operations strings: API tokens, worker heartbeat, the font check (merged by
scripts/fill_translations.py)."""

ZH = {
    "No Chinese font is installed, so the PDF would show empty boxes instead of text. Install the package "
    "%(package)s (apt-get install %(package)s) and restart rollout5g.":
        "未安装中文字体，PDF 将显示为空白方框而不是文字。请安装软件包 %(package)s（apt-get install %(package)s）后重启 rollout5g。",
    "Operations": "运行维护", "host": "主机", "process id": "进程号", "first seen": "首次出现", "last seen": "最近出现",
    "worker heartbeat": "任务进程心跳", "worker heartbeats": "任务进程心跳",
    "Read": "只读", "Read and write": "读写", "token name": "令牌名称", "scope": "权限范围",
    "token starts with": "令牌开头", "hash of the token": "令牌哈希值", "expires at": "过期时间",
    "last used at": "最近使用时间", "revoked at": "吊销时间", "API token": "API 令牌", "API tokens": "API 令牌",
    "30 days": "30 天", "90 days": "90 天", "one year": "一年", "never": "永不过期", "What it is for": "用途",
    "Scope": "权限范围", "Expires after": "有效期", "Token %(name)s revoked: it no longer works.":
        "令牌“%(name)s”已吊销，不能再使用。",
    "Another system (the provincial approval platform, a planning tool, a dashboard) calls the JSON API with a token "
    "in the header <code>Authorization: Bearer …</code>. A token acts with your rights; a read token may only read.":
        "其他系统（省审批平台、规划工具、数据看板）在请求头 <code>Authorization: Bearer …</code> 中携带令牌调用本平台的数据接口。"
        "令牌拥有您的全部权限；只读令牌只能读取数据。",
    "New token “%(name)s”": "新令牌“%(name)s”",
    "Copy it now: it is shown only this once and cannot be recovered.": "请立即复制：令牌只显示这一次，之后无法找回。",
    "Your tokens": "您的令牌", "Token starts with": "令牌开头", "Expires": "过期", "Last used": "最近使用",
    "revoked": "已吊销", "expired": "已过期", "Revoke": "吊销", "No token yet.": "尚无令牌。", "New token": "新建令牌",
    "Create token": "创建令牌",
    "An administrator can also create one on the server: <code>rollout5g token create --user NAME --scope read "
    "--expires 90</code>.":
        "管理员也可以在服务器上创建：<code>rollout5g token create --user NAME --scope read --expires 90</code>。",
    "for other systems that call the API as you": "供以您的身份调用 API 的其他系统使用",
}
