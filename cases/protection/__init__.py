"""Protection of denouncers (bảo vệ người tố cáo), Law on Denunciations 25/2018/QH14 Chapter VI
(Arts 47–58) and Decree 31/2019/NĐ-CP Arts 7–8: the request (Art 50), the decision or the request
to the competent body and the written refusal (Arts 51–52), the protection file (Arts 53(1)(b),
55), change and end (Art 54), with the protected persons (Art 47(1)) kept encrypted and readable
only on a need-to-know basis (``cases.protection.permissions``)."""
