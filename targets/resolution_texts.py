# ruff: noqa: E501
"""The eleven targets of section I.2.2 of Resolution 21-NQ/TU, verbatim (typos and emphasis included).

tests/targets/test_seed.py reads the seed file at test time and compares these texts with it.
"""

TARGET_TEXTS: dict[str, str] = {
    "A1": (
        "100% kiến nghị hợp pháp, chính đáng của Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam, các tổ chức chính trị - xã hội, các tổ chức hội quần chúng do Đảng và Nhà nước giao nhiệm vụ các cấp được xem xét, trả lời, giải quyết."
    ),
    "A2": (
        "100% Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội đẩy mạnh tuyên truyền vận động tập hợp đoàn viên, hội viên và các tầng lớp Nhân dân, tạo sự đồng thuận trong xã hội đối với các chương trình, dự án trọng điểm thực hiện mục tiêu, nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh; chương trình mục tiêu quốc gia; chuyển đổi số; bình dân học vụ số."
    ),
    "A3": (
        "100% Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội hoàn thành tốt nhiệm vụ trở lên; trên 90% cán bộ chuyên trách hoàn thành tốt nhiệm vụ, trong đó có 20% hoàn thành xuất sắc nhiệm vụ."
    ),
    "A4": (
        '100% cấp ủy, tổ chức đảng, chính quyền, cơ quan, đơn vị triển khai thực hiện hiệu quả phong trào thi đua "*Dân vận khéo*", gắn với nhiệm vụ chính trị, xây dựng chính quyền gần dân, sát dân; tập trung vào vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn; xây dựng và nhân rộng các mô hình tiêu biểu.'
    ),
    "A5": (
        "Tổ chức 01 cuộc làm việc, đối thoại giữa người đứng đầu cấp ủy cấp xã với Mặt trận Tổ quốc và các tổ chức chính trị - xã hội cùng cấp, Ban Giám sát đầu tư của cộng đồng và Trưởng ban công tác Mặt trận ở khu dân cư để lắng nghe, trao đổi và giải quyết các ý kiến, kiến nghị của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội và Nhân dân."
    ),
    "A6": (
        "Tổ chức ít nhất 01 cuộc làm việc giữa ban thường vụ cấp ủy với Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội cùng cấp để trao đổi, tháo gỡ kịp thời khó khăn, vướng mắc trong tổ chức thực hiện nhiệm vụ."
    ),
    "A7": (
        "Ủy ban Mặt trận Tổ quốc Việt Nam các cấp tổ chức nghe dân nói; mỗi tổ chức chính trị - xã hội các cấp tổ chức nghe dân nói bảo đảm thiết thực, hiệu quả."
    ),
    "T1": (
        "Phân đầu 100% cán bộ, công chức chuyên trách làm công tác dân vận cấp tỉnh và trên 90% cán bộ làm công tác dân vận ở cơ sở được bồi dưỡng, tập huấn nâng cao trình độ lý luận chính trị và chuyên môn, nghiệp vụ công tác dân vận."
    ),
    "T2": (
        "Lãnh đạo cấp ủy các cấp tạo điều kiện để Mặt trận Tổ quốc và các tổ chức chính trị - xã hội giới thiệu quần chúng ưu tú, đoàn viên, hội viên để bồi dưỡng, kết nạp Đảng bảo đảm bình quân hàng năm kết nạp 4% đảng viên mới trên tổng số đảng viên; đến năm 2030, 100% trưởng thôn, bản, tổ trưởng tổ dân phố và 100% trưởng ban công tác Mặt trận là đảng viên."
    ),
    "T3": (
        "100% cán bộ lãnh đạo, quản lý, công chức chuyên trách Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp đạt chuẩn về trình độ chuyên môn, nghiệp vụ và lý luận chính trị; 100% cán bộ cấp tỉnh và trên 90% cán bộ cơ sở được bồi dưỡng, cập nhật kiến thức, kỹ năng công tác. 100% cán bộ lãnh đạo cấp phó ban và tương đương trở lên của Ủy ban Mặt trận Tổ quốc Việt Nam, các tổ chức chính trị - xã hội cấp tỉnh được bồi dưỡng kiến thức quốc phòng, an ninh."
    ),
    "T4": (
        '100% Ủy ban Mặt trận Tổ quốc Việt Nam các cấp ứng dụng công nghệ thông tin trong quản lý, điều hành, tiếp nhận ý kiến Nhân dân; từng bước đáp ứng yêu cầu "*giám sát trên dữ liệu, phản ánh trên dữ liệu*" phù hợp điều kiện thực tế của tỉnh.'
    ),
}
