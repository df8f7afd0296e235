"""Chinese translations of write safety (counters behind generated codes, idempotency records) — merged by
scripts/fill_translations.py."""

ZH = {
    "Write safety": "写入安全", "counter": "编号计数器", "counters": "编号计数器", "last value": "最近编号",
    "idempotency record": "幂等记录", "idempotency records": "幂等记录", "method": "请求方法", "path": "请求路径",
    "body hash": "请求内容摘要", "headers": "响应头", "response": "响应内容",
}
