"""Fill the zh-Hans message catalogue from the glossary below and compile it.

Run after `django-admin makemessages -l zh_Hans` (from src/rollout5g): python scripts/fill_translations.py
Untranslated strings are listed, so a missing translation is never silent.
"""

import re
import subprocess
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "src/rollout5g/web/locale/zh_Hans/LC_MESSAGES/django.po"

ZH = {
    "Accounts": "账户", "Program office": "专班办公室（牵头部门）", "Reviewing department": "审查部门",
    "Operator / tower company": "运营商 / 铁塔公司", "Resource owner": "资源权属单位", "Enterprise": "企业",
    "role": "角色", "organization": "单位", "display name": "显示名称", "user": "用户", "users": "用户",
    "Audit history": "审计记录", "Created": "创建", "Updated": "修改", "Deleted": "删除", "State changed": "状态变更",
    "Imported": "导入", "sequence": "序号", "time": "时间", "actor": "操作人", "action": "操作", "object type": "对象类型",
    "object id": "对象编号", "object": "对象", "before": "变更前", "after": "变更后", "note": "说明",
    "audit event": "审计事件", "audit events": "审计事件", "Time": "时间", "Actor": "操作人", "Action": "操作",
    "Object": "对象", "Changes": "变更内容", "No events you may see.": "没有您可查看的记录。",
    "Organizations": "单位", "People's government": "人民政府", "Government department": "政府部门",
    "Party department": "党委部门", "Leading group / coordination body": "领导小组 / 协调机构",
    "Development zone administration": "开发区管委会", "Telecom operator": "通信运营商", "Tower company": "铁塔公司",
    "Broadcaster / cable network": "广电 / 有线网络", "Utility": "公用事业单位", "State-owned enterprise": "国有企业",
    "Research institute": "科研院所", "University": "高等院校", "Association / alliance": "协会 / 联盟",
    "code": "代码", "full name": "全称", "short name": "简称", "English name": "英文名称", "aliases": "别称",
    "kind": "类型", "region": "行政区", "parent": "上级", "active": "有效", "organizations": "单位", "term": "统称",
    "expands to its members": "展开为成员单位", "members": "成员", "description": "说明",
    "organization group": "单位统称", "organization groups": "单位统称", "name": "姓名", "position": "职务",
    "phone": "电话", "email": "电子邮箱", "responsible for": "负责事项", "contact person": "联系人",
    "contact people": "联系人", "Organization": "单位", "Position": "职务", "Phone": "电话", "Email": "电子邮箱",
    "Responsible for": "负责事项", "Add contact": "添加联系人", "Save": "保存", "Contacts": "联系人", "Name": "名称",
    "None.": "无。", "Short name": "简称", "Kind": "类型", "Region": "行政区", "Also written": "其他写法",
    "Member of": "所属统称", "Tasks": "任务", "Document": "文件", "No.": "序号", "Task": "任务", "Role": "角色",
    "Named as": "文件中的写法", "No contacts you may see.": "没有您可查看的联系人。", "All": "全部", "Filter": "筛选",
    "Full name": "全称", "Collective terms": "统称", "Term": "统称", "Meaning": "含义",
    "Named group (kept as one unit)": "统称（作为一个整体，不展开）", "Contact added.": "已添加联系人。",
    "Policy": "政策文件", "Province": "省", "City": "市", "Lead unit": "牵头单位", "Supporting unit": "配合单位",
    "Responsible unit": "责任单位", "Assigned": "已交办", "Accepted": "已接收", "In progress": "推进中",
    "Submitted for review": "待审核", "Closed": "已办结", "Cumulative": "累计值", "Incremental": "增量",
    "Share": "占比", "Count": "数量", "Formula": "按比例计算", "Fixed award": "定额奖励",
    "Computed from the platform": "平台自动计算", "Entered with a source": "填报（注明来源）", "key": "标识",
    "title": "标题", "short title": "简称", "issuer": "发文单位", "document number": "文号", "issued on": "成文日期",
    "implements": "依据", "level": "层级", "source file": "来源文件", "period start": "起始年", "period end": "截止年",
    "notes": "备注", "loaded from": "导入文件", "policy document": "政策文件", "policy documents": "政策文件",
    "number": "序号", "document": "文件", "section": "章节", "English title": "英文标题", "text": "内容",
    "deadline": "完成时限", "deadline as written": "时限原文", "tags": "标签", "status": "状态",
    "policy task": "政策任务", "policy tasks": "政策任务", "group": "统称", "as written": "原文写法", "unit": "单位",
    "measure": "统计口径", "source of actual values": "实际值来源", "area type": "区域类型", "clause": "条款",
    "indicator": "指标", "indicators": "指标", "year": "年份", "comparator": "比较", "target": "目标值",
    "due": "到期日", "as of": "截至", "value": "数值", "source": "来源", "source note": "来源说明",
    "formula terms": "计算项", "amount [CNY]": "金额（元）", "eligibility": "适用条件", "exclusive group": "互斥组",
    "exclusive policy": "互斥规则", "cap [CNY]": "上限（元）", "rounding": "舍入规则", "valid from": "生效日期",
    "valid to": "失效日期", "payer": "兑现单位", "incentive clause": "奖补条款", "incentive clauses": "奖补条款",
    "Named group": "统称", "Level": "层级", "Issuer": "发文单位", "Document number": "文号", "Issued on": "成文日期",
    "Implements": "依据", "Period": "期限", "Notes": "备注", "Units": "单位", "Deadline": "完成时限", "Status": "状态",
    "Indicators": "指标", "Indicator": "指标", "Clause": "条款", "Targets": "目标", "Source of actual values": "实际值来源",
    "Incentive clauses": "奖补条款", "Rule": "规则", "Policy documents": "政策文件", "Issued": "成文日期",
    "No documents loaded.": "尚未导入文件。", "Measure": "统计口径", "Area type": "区域类型", "Year": "年份",
    "Target": "目标", "Actual": "实际", "As of": "截至", "As written": "原文", "no data": "暂无数据", "met": "已达成",
    "missed": "未达成", "not yet": "进行中", "Lead units": "牵头单位", "Supporting units": "配合单位",
    "Responsible units": "责任单位", "Tags": "标签", "History": "变更记录", "Policy tasks": "政策任务", "Unit": "单位",
    "Any": "任意", "Deadline from": "时限起", "Deadline until": "时限止", "Text": "关键词", "search": "搜索",
    "with deadline": "有完成时限", "Lead / responsible units": "牵头 / 责任单位", "overdue": "逾期",
    "No tasks match.": "没有符合条件的任务。", "Regions": "行政区", "County-level unit": "县级行政区",
    "adcode": "行政区划代码", "boundary (WGS-84 GeoJSON)": "边界（WGS-84 GeoJSON）",
    "simplified boundary (WGS-84 GeoJSON)": "简化边界（WGS-84 GeoJSON）", "source coordinate system": "原始坐标系",
    "area [km²]": "面积（km²）", "regions": "行政区", "Area": "面积", "Source": "来源", "Bounding box": "范围",
    "Subdivisions": "下级行政区", "Cities": "设区市", "Click a county on the map to open it.": "点击地图上的县（市、区）查看详情。",
    "Web": "网站", "Overview": "总览", "Simplified Chinese": "简体中文", "English": "English", "Previous": "上一页",
    "Page %(n)s of %(total)s · %(count)s records": "第 %(n)s / %(total)s 页 · 共 %(count)s 条", "Next": "下一页",
    "5G rollout programme": "5G建设推进", "5G rollout": "5G建设推进平台", "Language": "语言", "Log out": "退出",
    "Log in": "登录", "5G rollout programme at a glance": "5G建设推进总览", "Tasks by status": "任务办理状态",
    "tasks": "项任务", "No policy loaded yet. Run: rollout5g load-policy FILE": "尚未导入政策文件。请运行：rollout5g load-policy 文件",
    "Targets against actual": "目标与实际完成", "No indicators with targets yet.": "暂无带目标值的指标。",
    "Wrong user name or password.": "用户名或密码错误。", "User name": "用户名", "Password": "密码",
    "As of %(d)s. Targets come from the policy documents; actual values are computed from the platform where the data exists, otherwise entered with a source.":
        "截至 %(d)s。目标值来自政策文件；实际值凡平台有数据的自动计算，其余为注明来源的填报值。",
    "Append-only and hash-chained: every event carries the hash of the one before it. Check it with: rollout5g audit verify":
        "只增不改、哈希链接：每条记录都带有上一条记录的哈希值。校验命令：rollout5g audit verify",
    "Administrative boundaries of Zhejiang (WGS-84, converted from the GCJ-02 source). The boundaries are the base map: rollout5g works offline and loads no map tiles.":
        "浙江省行政区划边界（由GCJ-02原始数据转换为WGS-84）。边界即底图：本平台离线运行，不加载在线瓦片地图。",
    "Residents do not need an account: the policy pages, tasks, organizations and maps are public.":
        "公众无需登录：政策文件、任务、单位和地图均公开。",
}

ZH.update({
    "Site registry": "站址库", "Site": "站址", "Sites": "站址", "Cells": "小区", "Cell id": "小区标识", "County": "县（市、区）",
    "Operator": "运营商", "Operators": "运营商", "Band": "频段", "Bands": "频段", "State": "状态", "Site type": "站型",
    "code, name, address": "编码、名称、地址", "Azimuth": "方位角", "Tilt": "下倾角", "Height": "挂高", "RS power": "参考信号功率",
    "No cells you may see match.": "没有您可查看的符合条件的小区。", "Key areas": "重点区域",
    "Key areas and their coverage targets": "重点区域及其覆盖目标", "Category": "类别", "Due": "完成年份",
    "approximate": "示意范围", "Special plan": "专项规划", "Sites by state": "站址状态分布", "cells you may see": "个可查看的小区",
    "5G base stations on air today, by county": "各县（市、区）当前在网5G基站数", "Recent imports": "最近导入",
    "Site special plan (站址专项规划)": "5G站址专项规划", "Published": "已发布", "Not published": "未发布",
    "Planned sites by district and year": "分区分年度规划站址数", "Plan code": "规划编号", "Place": "位置", "Type": "类型",
    "Planned by": "规划单位", "not published": "未发布", "published": "已发布", "synthetic": "模拟数据",
    "Location (WGS-84)": "位置（WGS-84）", "Address": "地址", "Owner": "产权单位", "Shared by": "共享运营商",
    "Power supply": "供电方式", "State since": "状态起始", "On air since": "开通日期", "Special-plan entry": "对应规划站址",
    "Imported by": "导入批次", "Move to": "变更为", "On": "日期", "Note": "说明", "Change state": "变更状态",
    "Bandwidth": "带宽", "Tilt (m + e)": "下倾（机械+电子）", "Gain": "增益", "Power": "功率", "No cells you may see.": "没有您可查看的小区。",
    "Registry overview": "站址库概览", "Site code": "站址编码", "No sites you may see match.": "没有您可查看的符合条件的站址。",
    "Registry map": "站址地图", "Site list": "站址列表", "Site page": "站址详情", "Clusters": "聚合点", "in view": "视野内",
    "Loading…": "加载中…", "Click to zoom in": "点击放大", "State changed.": "状态已变更。",
    "Sites you may see. The server groups them into clusters when many are in view; zoom in to see individual sites. The county boundaries are the base map: rollout5g works offline and loads no map tiles.":
        "您可查看的站址。视野内站址较多时由服务器聚合显示，放大后显示单个站址。县级边界即底图：本平台离线运行，不加载在线瓦片地图。",
    "area type (policy wording)": "区域类型（政策表述）", "RSRP threshold [dBm]": "RSRP门限（dBm）", "covered share target": "覆盖率目标",
    "due year": "完成年份", "approximate boundary": "示意边界", "key area": "重点区域", "key areas": "重点区域",
    "plan code": "规划编号", "longitude (WGS-84)": "经度（WGS-84）", "latitude (WGS-84)": "纬度（WGS-84）", "county": "县（市、区）",
    "planned year": "规划年份", "site type": "站型", "place": "位置", "planned by": "规划单位",
    "synthetic (demo)": "模拟数据（演示）", "planned site": "规划站址", "planned sites": "规划站址", "site code": "站址编码",
    "site name": "站址名称", "address": "地址", "structure height [m]": "塔桅高度（米）", "owner": "产权单位",
    "operators sharing it": "共享运营商", "power supply": "供电方式", "state": "状态", "in this state since": "状态起始日期",
    "on air since": "开通日期", "retired on": "退网日期", "special-plan entry": "对应规划站址", "site": "站址", "sites": "站址",
    "cell id": "小区标识", "cell name": "小区名称", "operator": "运营商", "technology": "制式", "band": "频段",
    "centre frequency [MHz]": "中心频率（MHz）", "bandwidth [MHz]": "带宽（MHz）", "azimuth [°]": "方位角（°）",
    "mechanical tilt [°]": "机械下倾（°）", "electrical tilt [°]": "电子下倾（°）", "antenna height [m]": "天线挂高（米）",
    "antenna gain [dBi]": "天线增益（dBi）", "horizontal beamwidth [°]": "水平波瓣宽度（°）", "vertical beamwidth [°]": "垂直波瓣宽度（°）",
    "total transmit power [W]": "总发射功率（W）", "SSB / reference-signal power per RE [dBm]": "SSB/参考信号每RE功率（dBm）",
    "PCI": "PCI", "also serves": "共享给", "cell": "小区", "cells": "小区",
    "Macro tower": "宏站铁塔", "Rooftop": "楼顶站", "Street pole": "灯杆站", "Smart pole": "智慧杆", "Indoor": "室内分布",
    "Small cell": "微站", "Planned": "规划", "Applied": "已申报", "Approved": "已审批", "Building": "建设中", "On air": "在网",
    "Relocating": "迁改中", "Retired": "已退网", "Direct supply (直供电)": "直供电", "Transfer supply (转供电)": "转供电",
    "Unknown": "未知", "City core": "主城区", "Science city": "科技城", "High-speed-rail new town": "高铁新城",
    "Scenic area": "景区", "Venue": "场馆", "Transport hub": "交通枢纽", "Elevated road / expressway": "高架/快速路",
    "Port": "港口", "Development zone": "开发区", "School": "学校", "Hospital": "医院", "County urban core": "县（市）城区",
    "Town": "镇区", "Other": "其他", "import batch": "导入批次", "import batches": "导入批次", "source": "来源",
    "file name": "文件名", "SHA-256 of the file": "文件SHA-256", "coordinate system": "坐标系", "for organization": "所属单位",
    "imported at": "导入时间", "category": "类别",
    "Actual values are counted from the site registry (on-air 5G base stations at each year end).": "实际值由站址库自动统计（各年末在网5G基站数）。",
})

ZH.update({
    "Export what is listed": "导出当前列表", "Import report": "导入报告", "Coordinate system": "坐标系", "Rows": "行数",
    "valid": "有效", "with errors": "有错误", "Sites that would be": "站址将", "created": "新增", "updated": "更新",
    "Cells that would be": "小区将", "unchanged": "不变", "batch": "批次", "Nothing was imported": "未导入任何数据",
    "Checked: no errors, nothing written yet": "校验通过，尚未写入", "Import": "导入",
    "Import the %(n)s valid rows": "导入 %(n)s 条有效行", "Download the failed rows (.xlsx)": "下载错误行（.xlsx）",
    "Fix them in that file and import it again.": "在该文件中修改后重新导入。", "Import another file": "导入其他文件",
    "Errors": "错误", "File": "文件", "Row": "行", "Column": "列", "Reason": "原因",
    "… and %(n)s more (all are in the failed-rows file).": "……另有 %(n)s 条（全部见错误行文件）。",
    "Import engineering parameters": "导入工参表", "Import engineering parameters (工参表)": "导入工参表",
    "File (.xlsx or .csv)": "文件（.xlsx 或 .csv）", "Coordinate system of the file": "文件坐标系", "Mode": "方式",
    "Check first (preview, nothing is written)": "先校验（预览，不写入）",
    "Import now (all or nothing: any error and nothing is written)": "直接导入（全部成功才写入，有任何错误则不写入）",
    "Upload": "上传", "Download the template (.xlsx)": "下载模板（.xlsx）", "Required columns": "必填列",
    "Chinese or English headers; title rows above the header are skipped; a re-import updates cells by cell id.":
        "表头可用中文或英文；表头上方的标题行会自动跳过；重复导入按小区标识更新。",
    "Export": "导出",
    "Exports contain only what you may see, in WGS-84 unless GCJ-02 is asked for. Add the list filters to the link (region, operator, band, state, site_type, q, bbox).":
        "导出内容仅限您可查看的数据，坐标为WGS-84（可选GCJ-02）。可在链接中附加列表筛选条件（region、operator、band、state、site_type、q、bbox）。",
})

ZH.update({
    "EMF compliance (GB 8702-2014)": "电磁辐射达标情况（GB 8702-2014）",
    "Far-field power density S = P·G / (4πr²) against %(f)s of the public exposure limit (one project's share, HJ/T 10.3-1996): the compliance distance in the main beam, and how far below the antenna the zone reaches.":
        "远场功率密度 S = P·G / (4πr²)，按公众曝露控制限值的 %(f)s 评价（单个项目的份额，HJ/T 10.3-1996）：主瓣方向的达标距离，以及超标区域在天线下方延伸的深度。",
    "Assessment limit": "评价限值", "Main-beam distance": "主瓣达标距离", "Reaches below the antenna": "天线下方延伸",
    "Ground level": "地面", "reaches the ground": "到达地面", "above the ground": "未到达地面",
    "no total transmit power recorded: cannot be assessed": "未登记总发射功率，无法评价",
    "Schools and hospitals within the largest compliance distance": "最大达标距离内的学校和医院", "none": "无",
})

PLURALS = {"%(n)s past deadline": "%(n)s 项已逾期"}


def _merge_glossaries():
    """Each capability keeps its strings in scripts/glossary/<app>.py (ZH and optionally PLURALS)."""
    import importlib.util

    for path in sorted((Path(__file__).parent / "glossary").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"glossary_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for table, target in ((getattr(module, "ZH", {}), ZH), (getattr(module, "PLURALS", {}), PLURALS)):
            for key, value in table.items():
                # a blocktranslate written as {{ n }} is extracted as %(n)s: accept both spellings
                target[_as_python_format(key)] = _as_python_format(value)


def _as_python_format(text: str) -> str:
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", text)


_merge_glossaries()


def unquote(lines):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "".join(lines))).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main():
    # makemessages may omit the blank line after the header: start a new entry at a comment after a message line
    text = re.sub(r'(\n(?:"|msgstr)[^\n]*)\n(#)', r"\1\n\n\2", PO.read_text(encoding="utf-8"))
    blocks = text.split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        if not any(line.startswith("msgid ") for line in lines):
            out.append(block)
            continue
        # collect msgid (+ continuation lines) and msgid_plural
        msgid, plural, section = [], [], None
        for ln in lines:
            if ln.startswith("msgid_plural "):
                section = plural
                plural.append(ln[len("msgid_plural "):])
            elif ln.startswith("msgid "):
                section = msgid
                msgid.append(ln[len("msgid "):])
            elif ln.startswith('"') and section is not None:
                section.append(ln)
            elif ln.startswith("msgstr"):
                section = None
        key = unquote(msgid)
        if key == "":
            out.append(block)  # header
            continue
        head = [ln for ln in lines if ln.startswith("#")]
        head = [ln for ln in head if ln != "#, fuzzy"]
        body = ["msgid " + quote(key)]
        if plural:
            body.append("msgid_plural " + quote(unquote(plural)))
            text = PLURALS.get(key)
            if text is None:
                missing.append(key)
            body.append("msgstr[0] " + quote(text or ""))
        else:
            text = ZH.get(key)
            if text is None:
                missing.append(key)
            body.append("msgstr " + quote(text or ""))
        out.append("\n".join(head + body))
    text = "\n\n".join(out)
    text = text.replace('"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"')
    text = text.replace("#, fuzzy\n", "", 1)
    PO.write_text(text, encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        sys.exit(1)
    print(f"{PO.name}: all strings translated; compiled {PO.with_suffix('.mo').name}")


if __name__ == "__main__":
    main()
