"""Reusable reply texts (答复模板) a handler starts from and completes; the placeholders are in brackets."""

from __future__ import annotations

from gongzhi.web.i18n import N_

TEMPLATES: list[tuple[str, str]] = [
    (
        N_("Solved on site"),
        "您好！您反映的问题已收悉。我单位于【日期】派工作人员到现场核实处理，问题已解决：【处理情况】。"
        "感谢您对我们工作的支持与监督。",
    ),
    (
        N_("Explained the policy"),
        "您好！关于您咨询的问题，根据【政策文件名称及条款】，【答复内容】。如有疑问，可拨打【联系电话】咨询。",
    ),
    (
        N_("Planned, not yet solved"),
        "您好！经核实，您反映的问题属实。因【原因】，暂时无法立即解决，我单位已将其纳入【计划】，"
        "预计于【时间】前完成。届时将再次告知您处理结果。",
    ),
    (
        N_("Not confirmed on site"),
        "您好！我单位于【日期】到现场核查，未发现您反映的情况：【核查情况】。如问题仍存在，"
        "请补充具体位置或照片，我们将再次核查。",
    ),
]
