"""Default texts of the public pages, Vietnamese and English. Plain data (no models, no imports
from the app) so the data migration and ``setup.ensure_site`` create the same pages. Editors change
the pages in the Wagtail admin afterwards; this is only the starting content."""

HOME = {
    "vi": {
        "title": "Tiếp nhận khiếu nại, tố cáo",
        "slug": "home",
        "intro": "Gửi và theo dõi đơn khiếu nại, tố cáo, kiến nghị, phản ánh trực tuyến.",
        "body": (
            "<p>Ông/bà có thể gửi đơn mà không cần tạo tài khoản. Sau khi gửi, ông/bà nhận được "
            "<b>mã hồ sơ</b> và <b>mã bí mật</b> để theo dõi việc giải quyết đến khi kết thúc.</p>"
            "<p>Danh tính người tố cáo được giữ bí mật theo Điều 47 và Điều 56 Luật Tố cáo 2018.</p>"
        ),
    },
    "en": {
        "title": "Complaints and denunciations",
        "slug": "home-en",
        "intro": "File and follow complaints, denunciations and petitions online.",
        "body": (
            "<p>You can file without an account. After filing you receive a <b>case reference</b> and a "
            "<b>secret key</b> to follow your case until it ends.</p>"
            "<p>A denouncer's identity is kept secret under Articles 47 and 56 of the Law on "
            "Denunciations 2018.</p>"
        ),
    },
}

INTAKE = {
    "vi": {
        "title": "Gửi đơn trực tuyến",
        "slug": "gui-don",
        "summary": "Gửi đơn khiếu nại, tố cáo, kiến nghị, phản ánh trong 4 bước, không cần tài khoản.",
        "intro": (
            "<p>Bốn bước: chọn loại đơn, thông tin người gửi, nội dung và tài liệu, xem lại và gửi. "
            "Ông/bà có thể quay lại bước trước bất cứ lúc nào; thông tin đã nhập được giữ trong 2 giờ.</p>"
        ),
        "privacy_notice": (
            "<p>Thông tin cá nhân của ông/bà chỉ được dùng để giải quyết đơn, được mã hóa khi lưu trữ và "
            "chỉ cán bộ có thẩm quyền được xem (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân). "
            "Danh tính người tố cáo không được tiết lộ cho người bị tố cáo.</p>"
        ),
    },
    "en": {
        "title": "File a case online",
        "slug": "file-a-case",
        "summary": "File a complaint, denunciation or petition in 4 steps, without an account.",
        "intro": (
            "<p>Four steps: choose the kind of letter, who is filing, the content and documents, review "
            "and send. You can go back at any time; what you type is kept for 2 hours.</p>"
        ),
        "privacy_notice": (
            "<p>Your personal data is used only to handle your letter, is encrypted at rest and can be "
            "seen only by the officers in charge (Decree 13/2023/ND-CP on personal data protection). "
            "A denouncer's identity is never revealed to the person denounced.</p>"
        ),
    },
}

TRACKING = {
    "vi": {
        "title": "Tra cứu hồ sơ",
        "slug": "tra-cuu",
        "summary": "Xem tình trạng, thời hạn và kết quả giải quyết bằng mã hồ sơ và mã bí mật.",
        "intro": (
            "<p>Nhập mã hồ sơ và mã bí mật ghi trên biên nhận. Ông/bà có thể bổ sung tài liệu hoặc rút "
            "đơn cho đến khi có quyết định hoặc kết luận.</p>"
        ),
    },
    "en": {
        "title": "Track your case",
        "slug": "track",
        "summary": "See the status, deadlines and outcome with your case reference and secret key.",
        "intro": (
            "<p>Enter the case reference and the secret key printed on your receipt. You can add "
            "documents or withdraw until the decision or conclusion is issued.</p>"
        ),
    },
}

STATISTICS = {
    "vi": {
        "title": "Thống kê công khai",
        "slug": "thong-ke",
        "summary": "Số đơn đã nhận, đã giải quyết, tỷ lệ đúng hạn theo cơ quan và thời kỳ.",
        "intro": "<p>Số liệu được tính tự động từ hệ thống, cập nhật mỗi 10 phút.</p>",
        "methods": (
            "<ul>"
            "<li><b>Đã nhận</b>: số đơn có ngày nhận trong kỳ. <b>Đã thụ lý</b>: số đơn có ngày thụ lý "
            "trong kỳ. <b>Đã giải quyết</b>: số đơn có quyết định giải quyết, kết luận hoặc văn bản trả lời "
            "ban hành trong kỳ.</li>"
            "<li><b>Số ngày giải quyết (trung vị)</b>: số ngày theo lịch từ ngày nhận đơn đến ngày ban "
            "hành quyết định, kết luận.</li>"
            "<li>Mọi số liệu tính trên <b>dưới 10 đơn</b> được ẩn (ghi «&lt;10») để không thể nhận ra người "
            "gửi đơn; khi chỉ một ô trong một nhóm cộng dồn bị ẩn, một ô khác (ô tổng cộng, hoặc nhóm tuổi "
            "tồn đọng nhỏ tiếp theo) cũng được ẩn, ghi «*», để không suy ra được bằng phép trừ.</li>"
            "<li>Ngày tính theo giờ Việt Nam (UTC+7). Đơn chưa xác định cơ quan "
            "giải quyết được tính riêng.</li>"
            "</ul>"
        ),
    },
    "en": {
        "title": "Public statistics",
        "slug": "statistics",
        "summary": "Letters received and resolved, and on-time rates, per authority and period.",
        "intro": "<p>Figures are computed automatically from the system and refreshed every 10 minutes.</p>",
        "methods": (
            "<ul>"
            "<li><b>Received</b>: letters received in the period. <b>Accepted</b>: letters accepted for "
            "resolution in the period. <b>Resolved</b>: letters whose decision, conclusion or answer was "
            "issued in the period.</li>"
            "<li><b>Median days to resolution</b>: calendar days from receipt to "
            "the decision or conclusion.</li>"
            "<li>Every figure computed on <b>fewer than 10 letters</b> is hidden (shown as “&lt;10”) so "
            "that nobody who filed can be recognised; when only one cell of an additive group is hidden, "
            "one more (the total, or the next smallest backlog age group) is hidden too, shown as “*”, so "
            "it cannot be worked out by subtraction.</li>"
            "<li>Dates are in Vietnam time (UTC+7). Letters whose competent authority is not yet known are "
            "counted separately.</li>"
            "</ul>"
        ),
    },
}

GUIDE = {
    "vi": {
        "title": "Hướng dẫn: quyền, thủ tục, thời hạn",
        "slug": "huong-dan",
        "summary": "Khi nào khiếu nại, khi nào tố cáo, thời hạn giải quyết và quyền của người gửi đơn.",
        "intro": (
            "<p>Tóm tắt bằng lời thường các quy định chính. Các thời hạn theo luật đang có hiệu lực ở "
            "bảng cuối trang. Văn bản pháp luật là căn cứ cuối cùng.</p>"
        ),
        "body": (
            "<h2>Khiếu nại</h2>"
            "<p>Ông/bà khiếu nại khi cho rằng một <b>quyết định hành chính</b> hoặc <b>hành vi hành "
            "chính</b> của cơ quan, cán bộ nhà nước là trái pháp luật và xâm phạm trực tiếp quyền, lợi ích "
            "của mình (Luật Khiếu nại 2011, Điều 2).</p>"
            "<ul>"
            "<li><b>Thời hiệu</b>: tính từ ngày nhận được hoặc biết được quyết định, hành vi. Thời gian "
            "ốm đau, thiên tai, đi công tác, học tập xa hoặc trở ngại khách quan khác không tính vào "
            "thời hiệu (Điều 9). Khiếu nại quyết định kỷ luật cán bộ, công chức có thời hiệu và thời hạn "
            "riêng (Chương IV).</li>"
            "<li><b>Thụ lý</b>: cơ quan phải thụ lý và thông báo cho ông/bà, hoặc trả lời rõ lý do không "
            "thụ lý (Điều 27).</li>"
            "<li><b>Giải quyết lần đầu</b>: vụ việc phức tạp, ở vùng sâu, vùng xa có thời hạn dài hơn "
            "(Điều 28).</li>"
            "<li><b>Lần hai</b>: nếu không đồng ý, ông/bà có thể khiếu nại lần hai hoặc khởi kiện ra Tòa án "
            "(Điều 7, Điều 33, Điều 37).</li>"
            "<li><b>Rút khiếu nại</b>: được rút bất cứ lúc nào trước khi có quyết "
            "định giải quyết (Điều 10).</li>"
            "</ul>"
            "<h2>Tố cáo</h2>"
            "<p>Ông/bà tố cáo khi báo cho cơ quan có thẩm quyền biết hành vi vi phạm pháp luật của bất kỳ "
            "cơ quan, tổ chức, cá nhân nào (Luật Tố cáo 2018, Điều 2). Người tố cáo là cá nhân.</p>"
            "<ul>"
            "<li><b>Đơn tố cáo</b> phải ghi họ tên, địa chỉ, cách liên lạc của người tố cáo, hành vi vi phạm "
            "và người vi phạm (Điều 23). Tin báo không rõ họ tên, địa chỉ hoặc mạo danh không được xử lý "
            "như tố cáo, nhưng nếu có thông tin cụ thể có thể được kiểm tra phục vụ quản lý (Điều 25).</li>"
            "<li><b>Xử lý ban đầu</b>: vào sổ, phân loại, xác minh người tố cáo và quyết định thụ lý; lâu "
            "hơn nếu phải xác minh ở nhiều nơi (Điều 24).</li>"
            "<li><b>Giải quyết</b>: vụ việc phức tạp, đặc biệt phức tạp được gia hạn bằng quyết định "
            "(Điều 30).</li>"
            "<li><b>Bảo vệ người tố cáo</b>: họ tên, địa chỉ, bút tích và thông tin cá nhân của người tố "
            "cáo được giữ bí mật (Điều 47, Điều 56).</li>"
            "<li><b>Rút tố cáo</b>: được rút trước khi có kết luận; cơ quan vẫn giải quyết nếu hành vi có "
            "dấu hiệu vi phạm hoặc việc rút do bị đe dọa, mua chuộc (Điều 33).</li>"
            "<li>Cố ý tố cáo sai sự thật là hành vi bị nghiêm cấm và phải chịu trách nhiệm (Điều 8).</li>"
            "</ul>"
            "<h2>Kiến nghị, phản ánh</h2>"
            "<p>Ông/bà gửi kiến nghị, phản ánh để góp ý hoặc báo cho cơ quan biết về một vấn đề trong quản "
            "lý nhà nước (Luật Tiếp công dân 2013, Điều 2).</p>"
            "<h2>Nhiều người cùng gửi đơn</h2>"
            "<p>Nhóm từ 5 đến 10 người cử 1 hoặc 2 người đại diện; trên 10 người có thể cử thêm nhưng không "
            "quá 5 người. Văn bản cử người đại diện có chữ ký của tất cả mọi người (Luật Tiếp công dân 2013, "
            "Điều 29).</p>"
            "<h2>Theo dõi hồ sơ</h2>"
            "<p>Giữ kỹ biên nhận có mã hồ sơ và mã bí mật. Cơ quan không bao giờ hỏi mã bí mật qua điện "
            "thoại, email hay tin nhắn.</p>"
        ),
    },
    "en": {
        "title": "Guide: rights, procedures, deadlines",
        "slug": "guide",
        "summary": "When to complain, when to denounce, the deadlines and your rights.",
        "intro": (
            "<p>The main rules in plain words. The time limits of the law in force are in the table at "
            "the end of the page. The legal texts remain the final reference.</p>"
        ),
        "body": (
            "<h2>Complaints</h2>"
            "<p>You complain when you believe an <b>administrative decision</b> or <b>administrative "
            "act</b> of a state body or official is unlawful and directly harms your rights or interests "
            "(Law on Complaints 2011, Art 2).</p>"
            "<ul>"
            "<li><b>Time limit</b>: counted from receiving or learning of the decision or act. Time lost "
            "to illness, natural disaster, work travel, study far away or other objective obstacles does "
            "not count (Art 9). A cadre's or civil servant's complaint against a disciplinary decision has "
            "its own time limits (Chapter IV).</li>"
            "<li><b>Acceptance</b>: the body must accept your complaint and tell you, or explain why it "
            "does not (Art 27).</li>"
            "<li><b>First-level resolution</b>: complex cases and remote areas have longer limits "
            "(Art 28).</li>"
            "<li><b>Second level</b>: if you disagree you may complain again or go to court (Arts 7, 33, "
            "37).</li>"
            "<li><b>Withdrawal</b>: you may withdraw at any time before the decision (Art 10).</li>"
            "</ul>"
            "<h2>Denunciations</h2>"
            "<p>You denounce when you report an unlawful act of any body, organisation or person to the "
            "competent authority (Law on Denunciations 2018, Art 2). Only individuals can denounce.</p>"
            "<ul>"
            "<li>A <b>denunciation</b> must give the denouncer's name, address and contact, the unlawful act "
            "and who committed it (Art 23). A report without a real name and address is not handled as a "
            "denunciation, but concrete information may still be checked for "
            "management purposes (Art 25).</li>"
            "<li><b>Initial handling</b>: registering, classifying, checking the denouncer and deciding on "
            "acceptance; longer when checks are needed in several places (Art 24).</li>"
            "<li><b>Resolution</b>: complex and especially complex cases may be extended by a written "
            "decision (Art 30).</li>"
            "<li><b>Protection</b>: the denouncer's name, address, handwriting and personal data are kept "
            "secret (Arts 47, 56).</li>"
            "<li><b>Withdrawal</b>: allowed before the conclusion; the body still resolves the matter if "
            "the act shows signs of a violation or the withdrawal was forced (Art 33).</li>"
            "<li>Knowingly making a false denunciation is prohibited and punishable (Art 8).</li>"
            "</ul>"
            "<h2>Petitions and reflections</h2>"
            "<p>You petition or reflect to suggest something or to tell a body about a problem in public "
            "administration (Law on Citizen Reception 2013, Art 2).</p>"
            "<h2>Filing as a group</h2>"
            "<p>A group of 5 to 10 people names 1 or 2 representatives; a larger group may name more, up to "
            "5. Everyone signs the appointment of the representatives (Law on Citizen Reception 2013, "
            "Art 29).</p>"
            "<h2>Following your case</h2>"
            "<p>Keep your receipt with the case reference and the secret key safe. We never ask for the "
            "secret key by phone, e-mail or text message.</p>"
        ),
    },
}

# (page model name, content) in the order the entry points appear on the home page.
CHILD_PAGES = [
    ("intakepage", INTAKE),
    ("trackingpage", TRACKING),
    ("statisticspage", STATISTICS),
    ("guidepage", GUIDE),
]


RECEPTION = {
    "vi": {
        "title": "Lịch tiếp công dân",
        "slug": "lich-tiep-cong-dan",
        "summary": "Địa chỉ nơi tiếp công dân, giờ tiếp thường xuyên và lịch tiếp của lãnh đạo.",
        "intro": (
            "<p>Ông/bà có thể đến trình bày trực tiếp khiếu nại, tố cáo, kiến nghị, phản ánh tại nơi tiếp "
            "công dân. Khi đến, xin mang theo giấy tờ tùy thân (căn cước, giấy chứng nhận căn cước hoặc hộ "
            "chiếu) và các giấy tờ liên quan; người được ủy quyền mang theo văn bản ủy quyền.</p>"
        ),
        "body": (
            "<p>Nhóm từ 5 người trở lên cùng một nội dung cử người đại diện để trình bày (Luật Tiếp công "
            "dân, Điều 29). Tài liệu ông/bà nộp được ghi vào giấy biên nhận.</p>"
        ),
    },
    "en": {
        "title": "Citizen reception",
        "slug": "citizen-reception",
        "summary": "Where citizens are received in person, regular hours and the leaders' reception days.",
        "intro": (
            "<p>You can come in person to present a complaint, denunciation, petition or reflection at a "
            "citizen reception office. Please bring an identity document (identity card or passport) and "
            "your papers; an authorised person brings the written authorisation.</p>"
        ),
        "body": (
            "<p>A group of five or more people with the same matter names representatives to speak for it "
            "(Law on Citizen Reception, Art 29). The documents you hand in are listed on a receipt.</p>"
        ),
    },
}

# Pages added after the first set (their own data migration creates them; ensure_site too).
LATER_PAGES = [("receptionpage", RECEPTION)]
