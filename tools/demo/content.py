# ruff: noqa: E501  (HTML templates and prose are written as they read, not wrapped)
"""Article data of the bundled demo site (our own text, modelled on the real portals).

Rendered by ``tools/demo/build_demo.py``; see its docstring for the keys. People named
here are invented; events are typical of the ministry's and provincial departments' news.
"""

LEGACY = [
    dict(
        id=7301, cat="dia-phuong", slug="So-Buu-chinh-Vien-thong-Ninh-Binh-trien-khai-nhiem-vu-nam-2007",
        title="Sở Bưu chính, Viễn thông Ninh Bình triển khai nhiệm vụ năm 2007",
        date="2007-02-07 08:30", variant="verbatim",
        lead=("Ngày 06/02/2007, Sở Bưu chính, Viễn thông tỉnh Ninh Bình tổ chức Hội nghị triển khai "
              "nhiệm vụ năm 2007. Tham dự Hội nghị có đại diện lãnh đạo Bộ, lãnh đạo UBND tỉnh cùng "
              "các doanh nghiệp bưu chính, viễn thông trên địa bàn…"),
        body=[
            "Báo cáo tại Hội nghị cho biết, năm 2006 mạng lưới bưu chính, viễn thông của tỉnh tiếp "
            "tục phát triển mạnh: toàn tỉnh có thêm 42 điểm bưu điện văn hóa xã, mật độ điện thoại "
            "đạt 18 máy trên 100 dân, 100% số xã đã có điện thoại cố định.",
            "Phát biểu chỉ đạo, Phó Chủ tịch UBND tỉnh đề nghị Sở tập trung xây dựng quy hoạch phát "
            "triển bưu chính, viễn thông đến năm 2010, đồng thời tham mưu cho tỉnh đẩy mạnh ứng dụng "
            "công nghệ thông tin phục vụ cải cách hành chính.",
            "Đại diện lãnh đạo Bộ đánh giá cao những kết quả mà Sở đạt được chỉ sau hơn một năm "
            "thành lập, đề nghị Sở sớm kiện toàn tổ chức bộ máy, làm tốt vai trò điều phối để các "
            "doanh nghiệp dùng chung cơ sở hạ tầng, cạnh tranh lành mạnh.",
        ],
        byline=["H3VP"], author="H3VP", source="Mic.gov.vn",
    ),
    dict(
        id=8120, cat="tin-tuc", slug="Bo-truong-lam-viec-voi-Tong-cong-ty-Buu-chinh",
        title="Bộ trưởng làm việc với Tổng công ty Bưu chính Việt Nam",
        date="2008-01-05 09:12", variant="nbsp", tag="(Mic.gov.vn) - ",
        lead=("Sáng 04/01/2008, Bộ trưởng Bộ Thông tin và Truyền thông đã có buổi làm việc với Tổng "
              "công ty Bưu chính Việt Nam về phương án tổ chức, hoạt động sau khi tách khỏi Tập đoàn."),
        body=[
            "Báo cáo với Bộ trưởng, lãnh đạo Tổng công ty cho biết mạng bưu chính công cộng hiện có "
            "hơn 10.000 điểm phục vụ, bán kính phục vụ bình quân khoảng 2,3 km; doanh thu dịch vụ "
            "bưu chính năm 2007 tăng gần 15% so với năm trước.",
            ("img", "/Uploads/2008/1/5/9/12/lam-viec-buu-chinh.jpg",
             "Bộ trưởng phát biểu tại buổi làm việc."),
            "Bộ trưởng yêu cầu Tổng công ty xây dựng lộ trình tự chủ về tài chính, đa dạng hóa dịch "
            "vụ, phát triển dịch vụ tài chính bưu chính và chuyển phát, đồng thời duy trì tốt nghĩa "
            "vụ cung ứng dịch vụ bưu chính công ích tới vùng sâu, vùng xa.",
            "Bộ sẽ phối hợp với các Bộ, ngành liên quan hoàn thiện cơ chế hỗ trợ trong giai đoạn "
            "chuyển đổi, bảo đảm ổn định việc làm và thu nhập cho người lao động.",
        ],
        byline=["Kim Thanh"], author="Kim Thanh", source="Mic.gov.vn",
    ),
    dict(
        id=11542, cat="dia-phuong", slug="Thai-Nguyen-khai-truong-Cong-thong-tin-dien-tu-tinh",
        title="Thái Nguyên khai trương Cổng thông tin điện tử tỉnh",
        date="2009-09-18 15:40", variant="truncated",
        lead=("Chiều 17/9, UBND tỉnh Thái Nguyên tổ chức lễ khai trương Cổng thông tin điện tử của "
              "tỉnh, đánh dấu bước tiến mới trong việc công khai, minh bạch thông tin và cung cấp "
              "dịch vụ công cho người dân, doanh nghiệp."),
        body=[
            "Cổng thông tin điện tử được xây dựng trong 8 tháng, tích hợp trang thông tin của 20 sở, "
            "ngành và 9 huyện, thành phố, thị xã; cung cấp 126 thủ tục hành chính ở mức độ 2, cho "
            "phép người dân tải biểu mẫu và tra cứu tình trạng hồ sơ.",
            ("img", "/Uploads/2009/9/18/15/40/khai-truong-cong.jpg", "Các đại biểu bấm nút khai trương Cổng thông tin."),
            "Phát biểu tại buổi lễ, Chủ tịch UBND tỉnh yêu cầu các cơ quan thường xuyên cập nhật "
            "thông tin, trả lời kịp thời câu hỏi của người dân qua chuyên mục hỏi đáp trực tuyến.",
        ],
        byline=["Kim Thanh"], author="Kim Thanh", source="Mic.gov.vn",
    ),
    dict(
        id=13007, cat="tin-tuc", slug="Hoi-nghi-giao-ban-quan-ly-nha-nuoc-ve-bao-chi-6-thang-dau-nam-2010",
        title="Hội nghị giao ban quản lý nhà nước về báo chí 6 tháng đầu năm 2010",
        date="2010-07-09 10:05", variant="none",
        lead=("Ngày 08/7, tại Hà Nội, Bộ Thông tin và Truyền thông tổ chức Hội nghị giao ban quản lý "
              "nhà nước về báo chí 6 tháng đầu năm 2010 với sự tham gia của đại diện các Sở Thông "
              "tin và Truyền thông trong cả nước."),
        body=[
            "Theo báo cáo của Cục Báo chí, đến hết tháng 6/2010 cả nước có 706 cơ quan báo in với "
            "hơn 1.000 ấn phẩm, 48 báo và tạp chí điện tử; đội ngũ người làm báo được cấp thẻ nhà "
            "báo là gần 16.000 người.",
            "Nhìn chung, các cơ quan báo chí đã bám sát nhiệm vụ chính trị, thông tin kịp thời về "
            "các sự kiện lớn của đất nước. Tuy nhiên, vẫn còn tình trạng một số ấn phẩm đăng tải "
            "thông tin thiếu kiểm chứng, vi phạm quy định về quảng cáo trên báo chí.",
            "Hội nghị thống nhất trong 6 tháng cuối năm sẽ tăng cường công tác thanh tra, kiểm tra, "
            "xử lý nghiêm các vi phạm, đồng thời nâng cao chất lượng công tác định hướng thông tin "
            "tại các địa phương.",
            "Các Sở Thông tin và Truyền thông được đề nghị chủ động báo cáo định kỳ, phản ánh kịp "
            "thời những vấn đề mới phát sinh trong hoạt động báo chí trên địa bàn.",
        ],
        byline=["H3VP"], author="H3VP", source="Mic.gov.vn",
    ),
    dict(
        id=16230, cat="dia-phuong", slug="Quang-Tri-dau-tu-mang-dien-rong-cho-co-quan-nha-nuoc",
        title="Quảng Trị đầu tư mạng diện rộng cho các cơ quan nhà nước",
        date="2011-05-23 14:20", variant="prefix",
        lead=("Tỉnh Quảng Trị vừa phê duyệt dự án xây dựng mạng diện rộng kết nối các cơ quan Đảng, "
              "chính quyền từ tỉnh đến huyện."),
        extra=("Dự án có tổng mức đầu tư hơn 12 tỷ đồng, được triển khai trong hai năm 2011 - 2012 "
               "bằng nguồn ngân sách tỉnh."),
        body=[
            "Theo thiết kế, mạng diện rộng sẽ kết nối 35 sở, ban, ngành và 10 huyện, thị xã, phục vụ "
            "việc gửi, nhận văn bản điện tử, khai thác các cơ sở dữ liệu dùng chung và tổ chức các "
            "cuộc họp trực tuyến.",
            ("img", "/Uploads/2011/5/23/14/20/mang-dien-rong.jpg", "Phòng máy chủ của Trung tâm Tích hợp dữ liệu tỉnh."),
            "Sở Thông tin và Truyền thông được giao làm chủ đầu tư, có trách nhiệm phối hợp với các "
            "doanh nghiệp viễn thông bảo đảm đường truyền ổn định và an toàn thông tin cho hệ thống.",
        ],
        byline=["Kim Thanh"], author="Kim Thanh", source="Mic.gov.vn",
    ),
    dict(
        id=19874, cat="tin-tuc", slug="Phat-dong-cuoc-thi-viet-thu-quoc-te-UPU-lan-thu-42",
        title="Phát động cuộc thi viết thư quốc tế UPU lần thứ 42",
        date="2012-11-20 08:45", variant="verbatim",
        lead=("Sáng 19/11, Bộ Thông tin và Truyền thông phối hợp với Bộ Giáo dục và Đào tạo phát "
              "động cuộc thi viết thư quốc tế UPU lần thứ 42 dành cho học sinh đến 15 tuổi trên cả "
              "nước."),
        body=[
            "Chủ đề của cuộc thi năm nay là “Hãy viết thư cho một người để nói về một thế giới mà "
            "bạn muốn sống trong đó”. Bài dự thi được viết bằng tiếng Việt, độ dài không quá 800 "
            "từ và gửi qua mạng bưu chính công cộng.",
            "Ban tổ chức sẽ chọn một bài xuất sắc nhất đại diện Việt Nam tham dự vòng thi quốc tế "
            "do Liên minh Bưu chính Thế giới tổ chức; nhiều năm qua, học sinh Việt Nam đã giành "
            "nhiều giải thưởng cao tại cuộc thi này.",
            "Cuộc thi góp phần khơi dậy tình yêu đối với văn hóa viết thư, bồi dưỡng kỹ năng viết "
            "và hiểu biết về ngành bưu chính cho thế hệ trẻ.",
        ],
        byline=["Theo ictnews.vietnamnet.vn"], author=None, source="ictnews.vietnamnet.vn",
    ),
    dict(
        id=104512, cat="dia-phuong", slug="Da-Nang-dan-dau-chi-so-san-sang-ung-dung-CNTT-nam-2013",
        title="Đà Nẵng dẫn đầu chỉ số sẵn sàng ứng dụng CNTT năm 2013",
        date="2013-10-04 16:10", variant="nbsp",
        lead=("Theo kết quả Vietnam ICT Index 2013 vừa công bố, thành phố Đà Nẵng tiếp tục dẫn đầu "
              "khối tỉnh, thành phố về mức độ sẵn sàng cho phát triển và ứng dụng công nghệ thông "
              "tin."),
        body=[
            "Đây là năm thứ sáu liên tiếp Đà Nẵng giữ vị trí quán quân. Thành phố có hạ tầng kỹ "
            "thuật tốt, hệ thống chính quyền điện tử được triển khai đồng bộ từ thành phố đến "
            "phường, xã.",
            ("img", "/Uploads/2013/10/4/16/10/ict-index-2013.jpg", "Lễ công bố Vietnam ICT Index 2013."),
            "Xếp sau Đà Nẵng là Hà Nội và Thành phố Hồ Chí Minh. Một số địa phương có bước tiến "
            "vượt bậc về thứ hạng nhờ đầu tư mạnh cho nguồn nhân lực và dịch vụ công trực tuyến.",
            "Đại diện Vụ Công nghệ thông tin cho biết, bộ chỉ số năm nay đã được điều chỉnh, bổ sung "
            "tiêu chí về an toàn thông tin và mức độ sử dụng dịch vụ công trực tuyến của người dân.",
        ],
        byline=["Kim Thanh", "Theo ictnews.vietnamnet.vn"], author="Kim Thanh",
        source="ictnews.vietnamnet.vn",
    ),
    dict(
        id=116243, cat="tin-tuc", slug="So-ket-6-thang-dau-nam-2014-cua-Bo-Thong-tin-va-Truyen-thong",
        title="Bộ Thông tin và Truyền thông sơ kết công tác 6 tháng đầu năm 2014",
        date="2014-07-17 10:25", variant="verbatim",
        lead=("Ngày 16/7, Bộ Thông tin và Truyền thông tổ chức Hội nghị sơ kết công tác 6 tháng "
              "đầu năm và triển khai nhiệm vụ 6 tháng cuối năm 2014."),
        body=[
            "Sáu tháng đầu năm, tổng doanh thu toàn ngành ước đạt hơn 170 nghìn tỷ đồng, nộp ngân "
            "sách nhà nước gần 16 nghìn tỷ đồng. Số thuê bao băng rộng di động tiếp tục tăng nhanh "
            "nhờ các doanh nghiệp mở rộng vùng phủ sóng 3G.",
            ("img", "/Uploads/2014/7/17/10/25/so-ket-6-thang.jpg", "Toàn cảnh hội nghị."),
            "Công tác xây dựng thể chế được chú trọng: Bộ đã trình Chính phủ nhiều văn bản quan "
            "trọng, ban hành theo thẩm quyền các thông tư về quản lý dịch vụ viễn thông và thông tin "
            "trên mạng.",
            "Trong 6 tháng cuối năm, Bộ tập trung hoàn thiện dự thảo Luật An toàn thông tin, đẩy "
            "nhanh tiến độ số hóa truyền hình mặt đất và thực hiện quy hoạch báo chí.",
            "Phát biểu kết luận, Bộ trưởng đề nghị các đơn vị bám sát chương trình công tác, tăng "
            "cường phối hợp, kiên quyết xử lý những việc còn chậm tiến độ.",
        ],
        byline=["H3VP"], author="H3VP", source="Mic.gov.vn",
    ),
    dict(
        id=124980, cat="dia-phuong", slug="Ha-Tinh-tap-huan-nghiep-vu-cho-dai-truyen-thanh-co-so",
        title="Hà Tĩnh tập huấn nghiệp vụ cho cán bộ đài truyền thanh cơ sở",
        date="2015-04-09 13:05", variant="none",
        lead=("Sở Thông tin và Truyền thông Hà Tĩnh vừa tổ chức lớp tập huấn nghiệp vụ cho gần 150 "
              "cán bộ phụ trách đài truyền thanh cấp xã trên địa bàn tỉnh."),
        body=[
            "Trong ba ngày, học viên được giảng viên của Học viện Báo chí và Tuyên truyền hướng dẫn "
            "kỹ năng viết tin, bài phát thanh ngắn, cách khai thác nguồn tin tại cơ sở và vận hành "
            "thiết bị truyền thanh không dây.",
            "Lớp tập huấn nhằm nâng cao chất lượng nội dung chương trình phát thanh ở xã, phường, "
            "góp phần đưa chủ trương, chính sách của Đảng, pháp luật của Nhà nước đến gần hơn với "
            "người dân.",
            "Dịp này, Sở cũng phát hành sổ tay hướng dẫn nghiệp vụ truyền thanh cơ sở tới tất cả các "
            "xã, phường, thị trấn trong tỉnh.",
        ],
        byline=["Kim Thanh"], author="Kim Thanh", source="Mic.gov.vn",
    ),
    dict(
        id=128844, cat="tin-tuc", slug="Dien-tap-ung-cuu-su-co-an-toan-thong-tin-mang-quoc-gia-2016",
        title="Diễn tập ứng cứu sự cố an toàn thông tin mạng quốc gia năm 2016",
        date="2016-03-17 14:45", variant="truncated", tag="(Mic.gov.vn) – ",
        lead=("Ngày 16/3, Trung tâm Ứng cứu khẩn cấp máy tính Việt Nam (VNCERT) chủ trì tổ chức "
              "diễn tập ứng cứu sự cố an toàn thông tin mạng quốc gia với sự tham gia của hơn 40 cơ "
              "quan, tổ chức và doanh nghiệp."),
        body=[
            "Tình huống diễn tập năm nay mô phỏng một cuộc tấn công có chủ đích vào hệ thống thông "
            "tin của một cơ quan nhà nước, kết hợp mã độc mã hóa dữ liệu và tấn công từ chối dịch "
            "vụ vào cổng thông tin điện tử.",
            ("img", "/Uploads/2016/3/17/14/45/dien-tap-attt.jpg", "Các đội tham gia diễn tập xử lý tình huống."),
            "Các đội tham gia phải phát hiện, phân tích, ngăn chặn tấn công và khôi phục hoạt động "
            "của hệ thống trong thời gian ngắn nhất, đồng thời báo cáo theo đúng quy trình điều phối "
            "ứng cứu sự cố.",
            "Kết thúc diễn tập, Ban tổ chức đánh giá các đội đã phối hợp nhịp nhàng, tuy nhiên khâu "
            "chia sẻ thông tin giữa các đơn vị vẫn cần được cải thiện.",
        ],
        byline=["Kim Thanh"], author="Kim Thanh", source="Mic.gov.vn",
    ),
]

CURRENT = [
    dict(
        id=101, cat="chuyen-doi-so", slug="thuc-day-chuyen-doi-so-cap-xa-nam-2023",
        title="Thúc đẩy chuyển đổi số cấp xã năm 2023",
        date="2023-02-14 08:30", variant="none",
        lead=("Năm 2023 được xác định là Năm dữ liệu số; các địa phương tập trung đưa dịch vụ công "
              "trực tuyến đến gần người dân, lấy tổ công nghệ số cộng đồng làm lực lượng nòng cốt."),
        body=[
            "Theo kế hoạch, mỗi xã, phường, thị trấn duy trì ít nhất một tổ công nghệ số cộng đồng, "
            "hướng dẫn người dân cài đặt ứng dụng, thanh toán không dùng tiền mặt và nộp hồ sơ "
            "trực tuyến.",
            ("img", "/uploads/2023/02/14/to-cong-nghe-so.jpg",
             "Tổ công nghệ số cộng đồng hướng dẫn người dân sử dụng dịch vụ công trực tuyến."),
            "Các tỉnh được đề nghị bố trí kinh phí đào tạo kỹ năng số cho cán bộ cấp xã, đồng thời "
            "đánh giá mức độ chuyển đổi số định kỳ hằng năm theo bộ chỉ số chung.",
            "Bộ Thông tin và Truyền thông sẽ cung cấp miễn phí nền tảng học trực tuyến mở đại trà "
            "để các thành viên tổ công nghệ số tự học, tự bồi dưỡng.",
        ],
        byline=["Minh Ngọc"], author="Minh Ngọc", source=None,
    ),
    dict(
        id=102, cat="chuyen-doi-so", slug="ra-mat-nen-tang-ho-tro-day-va-hoc-truc-tuyen",
        title="Ra mắt nền tảng hỗ trợ dạy và học trực tuyến dùng chung",
        date="2023-05-22 15:10", variant="verbatim",
        lead=("Chiều 22/5, Bộ Thông tin và Truyền thông phối hợp với Bộ Giáo dục và Đào tạo ra mắt "
              "nền tảng hỗ trợ dạy và học trực tuyến dùng chung cho các cơ sở giáo dục phổ thông."),
        body=[
            "Nền tảng được phát triển bởi doanh nghiệp công nghệ số Việt Nam, đáp ứng các tiêu chí "
            "về an toàn thông tin, bảo vệ dữ liệu cá nhân của học sinh và có thể phục vụ đồng thời "
            "hàng triệu người dùng.",
            "Các trường học có thể sử dụng miễn phí các tính năng cơ bản như lớp học trực tuyến, "
            "giao bài tập, kiểm tra và chấm điểm tự động.",
            "Đại diện Bộ Giáo dục và Đào tạo cho biết sẽ hướng dẫn các sở giáo dục lựa chọn, triển "
            "khai thí điểm tại một số địa phương trước khi nhân rộng.",
        ],
        byline=["Thu Hà"], author="Thu Hà", source=None,
    ),
    dict(
        id=103, cat="hoat-dong-dia-phuong", slug="so-tttt-bac-ninh-so-ket-cong-tac-6-thang-dau-nam-2023",
        title="Sở Thông tin và Truyền thông Bắc Ninh sơ kết công tác 6 tháng đầu năm 2023",
        date="2023-07-13 10:25", variant="none",
        lead=("Vừa qua, Sở Thông tin và Truyền thông tỉnh Bắc Ninh tổ chức Hội nghị sơ kết công tác "
              "6 tháng đầu năm, triển khai phương hướng, nhiệm vụ 6 tháng cuối năm 2023."),
        body=[
            ("img", "/uploads/2023/07/13/bacninh-hoi-nghi.jpg", "Toàn cảnh hội nghị."),
            "Theo báo cáo, sáu tháng đầu năm, Sở đã tham mưu UBND tỉnh ban hành nhiều chương trình, "
            "kế hoạch về chuyển đổi số; tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt hơn 70%.",
            "Thông tin liên lạc được bảo đảm thông suốt; hạ tầng bưu chính, viễn thông được đầu tư "
            "theo hướng hiện đại; 100% thôn, khu phố đã có sóng di động băng rộng.",
            "Phát biểu kết luận, Giám đốc Sở đề nghị các phòng, đơn vị rà soát những phần việc còn "
            "chậm tiến độ, tập trung thực hiện hiệu quả các đề án đã được phê duyệt.",
        ],
        byline=["Hữu Thắng - Sở TT&TT Bắc Ninh"], author="Hữu Thắng - Sở TT&TT Bắc Ninh",
        source=None,
    ),
    dict(
        id=104, cat="hoat-dong-dia-phuong", slug="lao-cai-phu-song-di-dong-vung-sau-vung-xa",
        title="Lào Cai phủ sóng di động tới các thôn vùng sâu, vùng xa",
        date="2023-09-28 16:45", variant="prefix",
        lead=("Đến hết tháng 9/2023, tỉnh Lào Cai đã xóa được 38 thôn, bản “lõm sóng” di động."),
        extra=("Đây là kết quả của chương trình phối hợp giữa tỉnh với các doanh nghiệp viễn thông "
               "trong thực hiện Chương trình “Sóng và máy tính cho em”."),
        body=[
            "Các trạm phát sóng mới được lắp đặt chủ yếu tại các huyện vùng cao như Bát Xát, Mường "
            "Khương, Si Ma Cai, nơi địa hình chia cắt mạnh, việc vận chuyển thiết bị gặp nhiều khó "
            "khăn.",
            ("img", "/uploads/2023/09/28/tram-bts-laocai.jpg",
             "Kỹ thuật viên lắp đặt trạm phát sóng tại huyện vùng cao."),
            "Nhờ có sóng di động, người dân đã có thể tiếp cận dịch vụ công trực tuyến, thanh toán "
            "điện tử và học sinh được học trực tuyến khi cần thiết.",
        ],
        byline=["Quang Huy - Sở TT&TT Lào Cai"], author="Quang Huy - Sở TT&TT Lào Cai", source=None,
    ),
    dict(
        id=105, cat="chuyen-doi-so", slug="ngay-chuyen-doi-so-quoc-gia-10-10-2023",
        title="Nhiều hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia 10/10",
        date="2023-10-10 07:55", variant="none",
        lead=("Hưởng ứng Ngày Chuyển đổi số quốc gia năm 2023, các bộ, ngành và địa phương tổ chức "
              "nhiều hoạt động thiết thực với chủ đề khai thác dữ liệu số để tạo ra giá trị mới."),
        body=[
            "Tại Hà Nội, triển lãm về các nền tảng số Việt Nam thu hút gần 80 doanh nghiệp tham gia, "
            "giới thiệu giải pháp trong các lĩnh vực y tế, giáo dục, nông nghiệp và giao thông.",
            "Nhiều địa phương tổ chức “Ngày hội dịch vụ công trực tuyến”, hỗ trợ người dân tạo tài "
            "khoản định danh điện tử và thực hiện các thủ tục thường gặp ngay tại nhà văn hóa thôn.",
            "Các trường đại học cũng mở các buổi tọa đàm về trí tuệ nhân tạo và an toàn dữ liệu, "
            "giúp sinh viên tiếp cận xu hướng công nghệ mới.",
            "Theo Bộ Thông tin và Truyền thông, các hoạt động sẽ được duy trì suốt tháng 10 nhằm "
            "lan tỏa nhận thức về chuyển đổi số tới mọi người dân.",
        ],
        byline=["Theo Báo Điện tử Chính phủ"], author=None, source="Báo Điện tử Chính phủ",
    ),
    dict(
        id=106, cat="hoat-dong-dia-phuong", slug="quang-nam-dua-he-thong-giam-sat-an-toan-thong-tin-vao-van-hanh",
        title="Quảng Nam đưa hệ thống giám sát an toàn thông tin vào vận hành",
        date="2024-01-19 09:20", variant="none",
        lead=("Trung tâm Giám sát, điều hành an toàn thông tin mạng của tỉnh Quảng Nam chính thức "
              "vận hành, kết nối với hệ thống giám sát quốc gia."),
        body=[
            "Hệ thống có khả năng theo dõi liên tục lưu lượng truy cập, phát hiện sớm các dấu hiệu "
            "tấn công mạng vào cổng thông tin, hệ thống quản lý văn bản và cơ sở dữ liệu của tỉnh.",
            "Trong tháng đầu vận hành thử nghiệm, hệ thống đã phát hiện và ngăn chặn hàng nghìn lượt "
            "dò quét lỗ hổng, cảnh báo kịp thời một số máy tính nhiễm mã độc tại các cơ quan.",
            "Sở Thông tin và Truyền thông đề nghị các đơn vị phối hợp chặt chẽ, khắc phục ngay các "
            "điểm yếu được cảnh báo và cử cán bộ tham gia đội ứng cứu sự cố của tỉnh.",
        ],
        byline=["Văn Phúc - Sở TT&TT Quảng Nam"], author="Văn Phúc - Sở TT&TT Quảng Nam",
        source=None,
    ),
    dict(
        id=107, cat="chuyen-doi-so", slug="hoi-nghi-giao-ban-quan-ly-nha-nuoc-ve-thong-tin-va-truyen-thong-2024",
        title="Hội nghị giao ban quản lý nhà nước về thông tin và truyền thông năm 2024",
        date="2024-04-25 14:00", variant="none",
        lead=("Chiều 25/4, Bộ Thông tin và Truyền thông tổ chức hội nghị giao ban trực tuyến với "
              "các Sở Thông tin và Truyền thông về công tác quản lý nhà nước quý I năm 2024."),
        body=[
            ("img", "/uploads/2024/04/25/giao-ban-truc-tuyen.jpg", "Các đại biểu dự hội nghị tại điểm cầu Bộ."),
            "Hội nghị đã nghe báo cáo về tình hình phát triển hạ tầng số, kết quả thu hồi sim rác, "
            "xử lý tin nhắn và cuộc gọi lừa đảo, cũng như tiến độ triển khai các nền tảng số quốc "
            "gia.",
            ("img", "/uploads/2024/04/25/diem-cau-dia-phuong.jpg", "Điểm cầu Sở Thông tin và Truyền thông các tỉnh."),
            "Lãnh đạo Bộ đề nghị các Sở tiếp tục tham mưu cho địa phương phát triển kinh tế số, xây "
            "dựng kho dữ liệu dùng chung và nâng cao chất lượng dịch vụ công trực tuyến toàn trình.",
        ],
        byline=["Hải Yến"], author="Hải Yến", source=None,
    ),
    dict(
        id=108, cat="hoat-dong-dia-phuong", slug="ca-mau-ho-tro-nong-dan-ban-hang-tren-san-thuong-mai-dien-tu",
        title="Cà Mau hỗ trợ nông dân đưa sản phẩm lên sàn thương mại điện tử",
        date="2024-08-06 11:15", variant="verbatim",
        lead=("Sở Thông tin và Truyền thông Cà Mau phối hợp với Bưu điện tỉnh đã hỗ trợ hơn 3.000 "
              "hộ sản xuất đưa sản phẩm nông nghiệp lên các sàn thương mại điện tử."),
        body=[
            "Các sản phẩm chủ lực như tôm khô, cua, mật ong rừng U Minh được chụp ảnh, mô tả và gắn "
            "mã truy xuất nguồn gốc trước khi đăng bán.",
            "Nhân viên bưu điện trực tiếp đến từng hộ để hướng dẫn cách tạo gian hàng, xử lý đơn "
            "hàng và đóng gói, vận chuyển bảo đảm chất lượng.",
            "Doanh thu qua các sàn thương mại điện tử của các hộ tham gia tăng bình quân 20% so với "
            "cùng kỳ năm trước.",
        ],
        byline=["Hoàng Vũ - Sở TT&TT Cà Mau"], author="Hoàng Vũ - Sở TT&TT Cà Mau", source=None,
    ),
    dict(
        id=109, cat="chuyen-doi-so", slug="khai-mac-trien-lam-cong-nghe-so-viet-nam-2024",
        title="Khai mạc Triển lãm công nghệ số Việt Nam 2024",
        date="2024-11-21 09:05", variant="none",
        lead=("Sáng 21/11, Triển lãm công nghệ số Việt Nam 2024 khai mạc tại Hà Nội với sự tham gia "
              "của hơn 200 doanh nghiệp trong và ngoài nước."),
        body=[
            "Triển lãm giới thiệu các sản phẩm nổi bật về trí tuệ nhân tạo, điện toán đám mây, bán "
            "dẫn, an ninh mạng và các nền tảng số phục vụ chính quyền, doanh nghiệp.",
            ("img", "/uploads/2024/11/21/trien-lam-cong-nghe.jpg", "Khách tham quan gian hàng trưng bày thiết bị 5G."),
            "Bên lề triển lãm diễn ra nhiều hội thảo chuyên đề, trong đó có phiên thảo luận về phát "
            "triển nguồn nhân lực công nghệ cao cho ngành công nghiệp vi mạch.",
            "Triển lãm kéo dài đến hết ngày 23/11 và mở cửa miễn phí cho khách tham quan.",
        ],
        byline=["Nguyễn Lâm"], author="Nguyễn Lâm", source=None,
    ),
    dict(
        id=110, cat="hoat-dong-dia-phuong", slug="thai-binh-ra-mat-trung-tam-dieu-hanh-thong-minh",
        title="Thái Bình ra mắt Trung tâm điều hành thông minh",
        date="2025-01-08 15:30", variant="none",
        lead=("Ngày 08/01, UBND tỉnh Thái Bình tổ chức lễ ra mắt Trung tâm giám sát, điều hành đô thị "
              "thông minh của tỉnh."),
        body=[
            "Trung tâm tích hợp dữ liệu từ hệ thống camera giám sát giao thông, phản ánh hiện trường, "
            "dịch vụ công trực tuyến và các chỉ số kinh tế - xã hội, phục vụ lãnh đạo tỉnh chỉ đạo, "
            "điều hành.",
            "Người dân có thể gửi phản ánh về hạ tầng, môi trường, trật tự đô thị qua ứng dụng trên "
            "điện thoại và theo dõi kết quả xử lý của cơ quan chức năng.",
            "UBND tỉnh yêu cầu các sở, ngành thường xuyên cập nhật dữ liệu, bảo đảm thông tin trên "
            "trung tâm luôn chính xác, đầy đủ và kịp thời.",
        ],
        byline=["Thanh Bình - Sở TT&TT Thái Bình"], author="Thanh Bình - Sở TT&TT Thái Bình",
        source=None,
    ),
]

NUKEVIET = [
    dict(
        id=45, cat="tin-hoat-dong", slug="Khai-truong-mang-dien-rong-WAN-cua-tinh", version="3",
        title="Khai trương mạng diện rộng (WAN) của tỉnh",
        date="2011-12-06 14:40", variant="verbatim",
        lead=("Ngày 06/12, UBND tỉnh tổ chức lễ khai trương mạng diện rộng kết nối các sở, ban, "
              "ngành và UBND các huyện, thành phố."),
        home_image=("/uploads/news/2011_12/khai-truong-wan.jpg", "Lãnh đạo tỉnh cắt băng khai trương."),
        body=[
            "Mạng WAN được đầu tư từ nguồn ngân sách tỉnh, kết nối 28 điểm với tốc độ đường truyền "
            "cao, phục vụ trao đổi văn bản điện tử và họp trực tuyến.",
            "Phát biểu tại buổi lễ, Phó Chủ tịch UBND tỉnh yêu cầu các đơn vị khai thác hiệu quả hệ "
            "thống, bảo đảm an toàn, an ninh thông tin.",
            "Sở Thông tin và Truyền thông được giao quản lý, vận hành hệ thống và tổ chức đào tạo "
            "cán bộ kỹ thuật cho các đơn vị.",
        ],
        labels=[("Tác giả bài viết:", "Lê Hương"), ("Nguồn tin:", "Sở TT&TT")],
        author="Lê Hương", source="Sở TT&TT",
    ),
    dict(
        id=118, cat="tin-hoat-dong", slug="Hoi-nghi-giao-ban-bao-chi-quy-II-nam-2013", version="3",
        title="Hội nghị giao ban báo chí quý II năm 2013",
        date="2013-05-14 09:15", variant="none",
        lead=("Sáng 13/5, Sở Thông tin và Truyền thông phối hợp với Ban Tuyên giáo Tỉnh ủy tổ chức "
              "Hội nghị giao ban báo chí quý II năm 2013."),
        home_image=("/uploads/news/2013_05/giao-ban-bao-chi.jpg", "Quang cảnh Hội nghị giao ban."),
        body=[
            "Hội nghị đã nghe thông tin về tình hình kinh tế - xã hội của tỉnh và định hướng tuyên "
            "truyền các sự kiện chính trị nổi bật trong quý.",
            "Các cơ quan báo chí được đề nghị tăng cường thông tin về cải cách hành chính và phòng, "
            "chống thiên tai trong mùa mưa bão.",
            "Đại diện Ban Tuyên giáo Tỉnh ủy lưu ý việc đăng tải thông tin trên các trang thông tin "
            "điện tử tổng hợp phải bảo đảm đúng giấy phép được cấp.",
        ],
        labels=[("Tác giả bài viết:", "Minh Châu"), ("Nguồn tin:", "Phòng Báo chí - Xuất bản")],
        author="Minh Châu", source="Phòng Báo chí - Xuất bản",
    ),
    dict(
        id=215, cat="tin-hoat-dong", slug="so-thong-tin-va-truyen-thong-5-nam-mot-chang-duong",
        title="Sở Thông tin và Truyền thông: 5 năm - một chặng đường", version="4.3",
        date="2012-05-30 23:25", variant="none", tag="DIC -",
        lead=("Thực hiện chủ trương tách chức năng quản lý nhà nước khỏi hoạt động sản xuất kinh "
              "doanh, ngày 01/6/2007 Sở Bưu chính, Viễn thông của tỉnh (nay là Sở Thông tin và "
              "Truyền thông) được thành lập."),
        home_image=("/uploads/news/2012_05/trao-bang-khen.jpg",
                    "Phó Chủ tịch UBND tỉnh trao Bằng khen cho các đơn vị. Ảnh: P.V"),
        body=[
            "Năm năm chưa phải là dài, nhưng với cán bộ, công chức của Sở đó là quãng thời gian khó "
            "quên ngày đầu thành lập Ban Giám đốc chỉ có hai đồng chí đến nay Sở đã có 45 công chức "
            "viên chức với sáu phòng chức năng và một đơn vị sự nghiệp",
            "Trong 5 năm qua Sở đã tham mưu UBND tỉnh phê duyệt nhiều quy hoạch chương trình dự án "
            "về lĩnh vực thông tin và truyền thông chủ động triển khai ứng dụng CNTT gắn với cải "
            "cách hành chính",
            ("img", "/uploads/news/2012_05/ky-ket-phoi-hop.jpg",
             "Lãnh đạo Sở và Bộ Chỉ huy Bộ đội Biên phòng tỉnh ký kết chương trình phối hợp. Ảnh: P.V"),
            "Thời gian tới Sở tiếp tục nâng cao tinh thần trách nhiệm, tổ chức thực hiện thắng lợi "
            "các chỉ tiêu của ngành, góp phần đưa tỉnh nhà phát triển bền vững.",
        ],
        byline=["Đặng Văn Thành"], author="Đặng Văn Thành", source="DIC",
        tags=["thông tin và truyền thông", "thành lập Sở"],
    ),
    dict(
        id=402, cat="tin-hoat-dong", slug="tong-ket-cong-tac-thong-tin-co-so-nam-2015", version="4.3",
        title="Tổng kết công tác thông tin cơ sở năm 2015",
        date="2015-12-29 16:00", variant="nbsp",
        lead=("Chiều 28/12, Sở Thông tin và Truyền thông tổ chức hội nghị tổng kết công tác thông tin "
              "cơ sở năm 2015 và triển khai nhiệm vụ năm 2016."),
        home_image=("/uploads/news/2015_12/tong-ket-ttcs.jpg", "Quang cảnh hội nghị tổng kết."),
        body=[
            "Năm 2015, hệ thống đài truyền thanh cơ sở đã phát sóng hơn 40.000 giờ chương trình, "
            "tập trung tuyên truyền về đại hội Đảng các cấp, xây dựng nông thôn mới và bảo vệ chủ "
            "quyền biển, đảo.",
            "Tuy vậy, nhiều đài truyền thanh xã đã xuống cấp, thiếu kinh phí sửa chữa; đội ngũ cán "
            "bộ thường xuyên thay đổi, chưa được đào tạo bài bản.",
            "Năm 2016, Sở sẽ tham mưu UBND tỉnh đề án nâng cấp đài truyền thanh cơ sở theo hướng "
            "ứng dụng công nghệ thông tin - viễn thông.",
        ],
        labels=[("Tác giả:", "Thu Trang"), ("Nguồn tin:", "Phòng Thông tin cơ sở")],
        author="Thu Trang", source="Phòng Thông tin cơ sở", tags=["thông tin cơ sở"],
    ),
    dict(
        id=588, cat="chuyen-doi-so", slug="dua-dich-vu-buu-chinh-cong-ich-den-xa-vung-cao", version="4.3",
        title="Đưa dịch vụ bưu chính công ích đến các xã vùng cao",
        date="2017-06-12 08:10", variant="truncated",
        lead=("Bưu điện tỉnh phối hợp với Sở Thông tin và Truyền thông triển khai tiếp nhận hồ sơ, "
              "trả kết quả giải quyết thủ tục hành chính qua dịch vụ bưu chính công ích tại tất cả "
              "các xã vùng cao của tỉnh."),
        home_image=("/uploads/news/2017_06/buu-chinh-cong-ich.jpg",
                    "Nhân viên bưu điện văn hóa xã tiếp nhận hồ sơ của người dân."),
        body=[
            "Người dân không phải đi lại nhiều lần lên trung tâm huyện, chỉ cần nộp hồ sơ tại điểm "
            "bưu điện văn hóa xã hoặc gọi nhân viên bưu điện đến tận nhà.",
            "Sau sáu tháng triển khai, đã có hơn 4.500 hồ sơ được tiếp nhận và trả kết quả qua mạng "
            "bưu chính công ích, chủ yếu là thủ tục cấp đổi giấy phép lái xe và chứng thực.",
            "Sở Thông tin và Truyền thông đề nghị các huyện tiếp tục tuyên truyền để người dân biết "
            "và sử dụng dịch vụ.",
        ],
        byline=["Hà Linh"], author="Hà Linh", source=None, tags=["bưu chính công ích"],
    ),
    dict(
        id=731, cat="chuyen-doi-so", slug="dien-tap-ung-cuu-su-co-an-toan-thong-tin-nam-2018", version="4.5",
        title="Diễn tập ứng cứu sự cố an toàn thông tin mạng năm 2018",
        date="2018-10-24 15:35", variant="verbatim",
        lead=("Ngày 23/10, Sở Thông tin và Truyền thông tổ chức diễn tập ứng cứu sự cố an toàn thông "
              "tin mạng cho các cơ quan nhà nước trên địa bàn tỉnh."),
        home_image=("/uploads/news/2018_10/dien-tap-attt.jpg", "Các đội tham gia xử lý tình huống giả định."),
        body=[
            "Kịch bản diễn tập mô phỏng cuộc tấn công thay đổi giao diện cổng thông tin điện tử của "
            "tỉnh và phát tán mã độc qua thư điện tử công vụ.",
            "Các thành viên đội ứng cứu sự cố đã phối hợp phân tích nhật ký hệ thống, cô lập máy "
            "chủ bị tấn công và khôi phục dữ liệu từ bản sao lưu.",
            "Qua diễn tập, Sở kiến nghị các đơn vị cần bố trí cán bộ chuyên trách về an toàn thông "
            "tin và thực hiện sao lưu dữ liệu định kỳ.",
        ],
        labels=[("Tác giả:", "Quốc Bảo")], author="Quốc Bảo", source=None,
        tags=["an toàn thông tin", "diễn tập"],
    ),
    dict(
        id=842, cat="tin-hoat-dong", slug="hoi-bao-xuan-canh-ty-2020", version="4.5",
        title="Khai mạc Hội báo Xuân Canh Tý 2020",
        date="2020-01-15 09:00", variant="prefix",
        lead=("Sáng 15/01, tại Thư viện tỉnh, Sở Thông tin và Truyền thông phối hợp với Hội Nhà báo "
              "tỉnh khai mạc Hội báo Xuân Canh Tý 2020."),
        extra=("Hội báo trưng bày gần 300 ấn phẩm báo, tạp chí Xuân của các cơ quan báo chí trung "
               "ương và địa phương."),
        home_image=("/uploads/news/2020_01/hoi-bao-xuan.jpg", "Đại biểu tham quan các ấn phẩm báo Xuân."),
        body=[
            "Nhiều ấn phẩm được đầu tư công phu về nội dung và hình thức, phản ánh sinh động những "
            "thành tựu phát triển kinh tế - xã hội của đất nước và của tỉnh trong năm qua.",
            "Hội báo mở cửa phục vụ bạn đọc đến hết ngày 20/01, là dịp để công chúng thưởng thức các "
            "tác phẩm báo chí đặc sắc chào đón mùa Xuân mới.",
        ],
        labels=[("Tác giả:", "Ngọc Mai"), ("Nguồn tin:", "Báo điện tử tỉnh")],
        author="Ngọc Mai", source="Báo điện tử tỉnh", tags=["hội báo xuân"],
    ),
    dict(
        id=867, cat="chuyen-doi-so", slug="trien-khai-dich-vu-cong-truc-tuyen-muc-do-4-nam-2020", version="4.5",
        title="Triển khai dịch vụ công trực tuyến mức độ 4 năm 2020",
        date="2020-03-26 10:40", variant="none", tag="DIC -",
        lead=("Năm 2020, tỉnh phấn đấu cung cấp ít nhất 30% thủ tục hành chính dưới hình thức dịch vụ "
              "công trực tuyến mức độ 4, tích hợp với Cổng Dịch vụ công quốc gia."),
        home_image=("/uploads/news/2020_03/dich-vu-cong.jpg", "Người dân nộp hồ sơ trực tuyến tại bộ phận một cửa."),
        body=[
            "Để thực hiện mục tiêu này, Sở Thông tin và Truyền thông đã phối hợp với Văn phòng UBND "
            "tỉnh rà soát, lựa chọn các thủ tục có số lượng hồ sơ lớn để ưu tiên đưa lên mức độ 4.",
            "Hệ thống thanh toán trực tuyến cũng được kết nối để người dân nộp phí, lệ phí mà không "
            "cần đến trực tiếp cơ quan nhà nước.",
            "Trong bối cảnh dịch bệnh Covid-19, việc sử dụng dịch vụ công trực tuyến giúp hạn chế "
            "tiếp xúc, bảo đảm an toàn cho người dân và cán bộ.",
        ],
        byline=["Trọng Nghĩa"], author="Trọng Nghĩa", source="DIC", tags=["dịch vụ công trực tuyến"],
    ),
    dict(
        id=901, cat="chuyen-doi-so", slug="tap-huan-ky-nang-so-cho-can-bo-cap-xa", version="4.5",
        title="Tập huấn kỹ năng số cho cán bộ cấp xã",
        date="2020-07-14 16:05", variant="nbsp",
        lead=("Từ ngày 12 đến 14/7, Sở Thông tin và Truyền thông phối hợp với UBND các huyện tổ chức "
              "lớp tập huấn kỹ năng số cho hơn 200 cán bộ cấp xã."),
        home_image=("/uploads/news/2020_07/tap-huan-ky-nang-so.jpg", "Học viên thực hành trên máy tính."),
        body=[
            "Học viên được hướng dẫn khai thác hệ thống quản lý văn bản và điều hành, sử dụng chữ ký "
            "số, bảo đảm an toàn thông tin khi làm việc trên môi trường mạng.",
            "Kết thúc lớp học, 100% học viên hoàn thành bài kiểm tra thực hành trên máy tính.",
        ],
        labels=[("Tác giả:", "Minh Hải"), ("Nguồn tin:", "Trung tâm CNTT&TT")],
        author="Minh Hải", source="Trung tâm CNTT&TT", tags=["kỹ năng số"],
    ),
    dict(
        id=76, cat="tin-hoat-dong", slug="Trien-khai-Luat-Tiep-can-thong-tin", version="3",
        title="Triển khai thi hành Luật Tiếp cận thông tin",
        date="2012-08-21 08:00", variant="none",
        lead=("Sở Thông tin và Truyền thông tổ chức hội nghị quán triệt các văn bản hướng dẫn về cung "
              "cấp thông tin cho báo chí và người dân của các cơ quan hành chính nhà nước."),
        body=[
            "Hội nghị đã phổ biến quy chế phát ngôn và cung cấp thông tin cho báo chí, trong đó quy "
            "định rõ trách nhiệm của người đứng đầu cơ quan và người phát ngôn.",
            "Các sở, ngành được đề nghị công bố đầu mối cung cấp thông tin trên trang thông tin điện "
            "tử của đơn vị, cập nhật thường xuyên các thông tin phải công khai.",
            "Sở sẽ tổng hợp, báo cáo UBND tỉnh kết quả thực hiện vào cuối năm.",
        ],
        labels=[("Nguồn tin:", "Sở TT&TT")], author=None, source="Sở TT&TT",
    ),
]

SITES = {
    "mic-legacy": dict(
        family="mic_legacy", page_size=3,
        categories={
            "tin-tuc": dict(id=18, name="Tin tức - Sự kiện", slug="Tin-tuc-Su-kien"),
            "dia-phuong": dict(id=23, name="Hoạt động địa phương", slug="Hoat-dong-dia-phuong"),
        },
        articles=LEGACY,
    ),
    "mic": dict(
        family="vccorp_cms", page_size=3,
        categories={
            "chuyen-doi-so": dict(name="Chuyển đổi số"),
            "hoat-dong-dia-phuong": dict(name="Hoạt động địa phương"),
        },
        articles=CURRENT,
    ),
    "sotttt-nukeviet": dict(
        family="nukeviet", page_size=3, site_title="Sở Thông tin và Truyền thông tỉnh Sơn Lâm",
        clock="16:32 ICT Thứ ba, 14/07/2020",
        categories={
            "tin-hoat-dong": dict(name="Tin hoạt động"),
            "chuyen-doi-so": dict(name="Chuyển đổi số"),
        },
        articles=NUKEVIET,
    ),
}
