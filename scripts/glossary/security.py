"""Chinese translations of sign-in, the second factor, upload limits and the audit's sign-in events (issue 18)."""

ZH = {
    "Logged in": "登录", "Login failed": "登录失败", "Locked out": "已锁定", "Logged out": "退出登录",
    "The code is not right. Check the time on your phone and type the code shown now.":
        "验证码不正确。请检查手机时间，并输入当前显示的验证码。",
    "The code is not right. Type the 6 digits your authenticator app shows now.":
        "验证码不正确。请输入身份验证器应用当前显示的 6 位数字。",
    "The code is not right.": "验证码不正确。",
    "The file is too large (%(size).1f MB): at most %(limit).0f MB may be uploaded.":
        "文件过大（%(size).1f MB）：最多可上传 %(limit).0f MB。",
    "The upload is too large: at most %(limit).0f MB may be uploaded.": "上传内容过大：最多可上传 %(limit).0f MB。",
    "Your authenticator app has been turned off.": "已停用身份验证器应用。",
    "Your authenticator app is set up: you will be asked for a code at login.": "身份验证器应用已设置：登录时将要求输入验证码。",
    "Your password has been changed.": "密码已修改。",
    "Your role must use an authenticator app: it cannot be turned off.": "您的角色必须使用身份验证器应用，不能停用。",
    "Authenticator app (second factor)": "身份验证器应用（第二重验证）", "Change password": "修改密码",
    "Code from your authenticator app": "身份验证器应用中的验证码", "Code": "验证码", "Confirm": "确认",
    "If you have forgotten your password, ask your organization's administrator to reset it.":
        "如忘记密码，请联系本单位管理员重置。",
    "Last login": "上次登录", "Log in with your password first; a login waits five minutes for its code.":
        "请先用密码登录；输入密码后须在五分钟内输入验证码。",
    "My account": "我的账户",
    "Open an authenticator app on your phone (any app that supports TOTP, RFC 6238).":
        "在手机上打开身份验证器应用（任何支持 TOTP（RFC 6238）的应用均可）。",
    "Optional: a code from an app on your phone at every login keeps your account safe even if your password leaks.":
        "可选：每次登录时再输入手机应用中的验证码，即使密码泄露，账户仍然安全。",
    "Scan the QR code, or type this key:": "扫描二维码，或输入以下密钥：",
    "Set up an authenticator app": "设置身份验证器应用", "Too many failed logins": "登录失败次数过多",
    "Try again later; every further attempt starts the waiting time again.": "请稍后再试；每次再尝试都会重新开始计算等待时间。",
    "Turn off": "停用", "Type the 6-digit code the app shows to confirm.": "输入应用显示的 6 位验证码以确认。",
    "Your role must use an authenticator app.": "您的角色必须使用身份验证器应用。",
    "Your role must use an authenticator app: set it up to go on working.": "您的角色必须使用身份验证器应用：请先完成设置再继续工作。",
    "in use": "已启用", "not set up": "未设置", "authenticator app": "身份验证器应用",
    "authenticator apps": "身份验证器应用", "secret": "密钥", "confirmed at": "确认时间",
    "last accepted time step": "最近接受的时间步", "QR code for the authenticator app": "身份验证器应用的二维码",
    "Account %(name)s: type the 6-digit code your authenticator app shows now.":
        "账户 %(name)s：请输入身份验证器应用当前显示的 6 位验证码。",
    "Set up on %(d)s. At login you are asked for the code it shows.": "设置于 %(d)s。登录时需输入其显示的验证码。",
}

PLURALS = {
    "After %(n)s failed login the account or address is locked for a while.":
        "连续登录失败 %(n)s 次后，该账户或地址将被锁定一段时间。",
}
