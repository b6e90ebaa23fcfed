"""One test per metadata rule (index/metadata/*)."""

from index.metadata import extract_metadata
from index.metadata.dates import latest_cited_year
from index.prepare import build_document

BODY = "正文内容。\n" * 30


def test_closing_date_and_closing_unit():
    text = (
        "某某工作汇报\n今年以来，我们狠抓落实。\n"
        + BODY
        + "特此汇报。\n江川市住房和城乡建设局\n2024年7月3日\n"
    )
    meta = extract_metadata(text, "某某工作汇报")
    assert meta["date"] == "2024-07-03"
    assert meta["org"] == "江川市住房和城乡建设局"


def test_dash_dateline_under_the_title_and_speaker_unit():
    text = (
        "政府工作报告\n——2023年3月5日在第十四届全国人民代表大会第一次会议上\n国务院总理 李克强\n"
        "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n" + BODY
    )
    meta = build_document(text, source_path="r.txt").metadata
    assert meta["date"] == "2023-03-05"
    assert meta["year"] == 2023
    assert meta["org"] == "国务院"


def test_publish_time_kept_from_debris():
    raw = "党建协同发展的思考\n发布时间:2019-12-04 10:15:47 影响了:\n" + BODY
    doc = build_document(raw, source_path="p.txt")
    assert "发布时间" not in doc.text  # still dropped from the display text
    assert doc.metadata["date"] == "2019-12-04"
    assert doc.metadata["published"] == "2019-12-04"


def test_journal_issue_year_and_source_kept_from_debris():
    raw = "強化工作載體建設\n\n近年來，我們堅持黨建引領。\n" + BODY + "(來源:《旗幟》2023年第1期)\n"
    doc = build_document(raw, source_path="q.txt")
    assert "來源" not in doc.text
    assert doc.metadata["issue"] == "《旗帜》2023年第1期"
    assert doc.metadata["year"] == 2023


def test_source_line_names_the_unit():
    meta = extract_metadata("某某材料\n来源:江北区财政局\n" + BODY, "某某材料")
    assert meta["org"] == "江北区财政局"
    assert extract_metadata("某某材料\n来源:旗帜网\n" + BODY, "某某材料")["org"] is None


def test_title_prefix_names_the_unit():
    meta = extract_metadata(BODY, "江北区财政局关于2023年度机关党建工作情况的报告")
    assert meta["org"] == "江北区财政局"
    assert extract_metadata(BODY, "北京共产主义组织的报告 (一大)")["org"] == "北京共产主义组织"


def test_we_the_bureau_resolves_to_the_bureau_named_elsewhere():
    text = "标题\n我局坚持党建引领。\n一、当前XXX国土分局党建工作现状\n" + BODY
    assert extract_metadata(text, "标题")["org"] == "XXX国土分局"


def test_subtitle_names_the_unit():
    text = "党建引领物业服务\n——江川市住房和城乡建设局经验交流材料\n" + BODY
    assert extract_metadata(text, "党建引领物业服务")["org"] == "江川市住房和城乡建设局"


def test_review_is_never_older_than_the_plenum_it_cites():
    text = "今年以来，我们全面贯彻落实党的二十大、二十届三中全会精神。\n" + BODY
    assert extract_metadata(text, "")["year"] == 2024
    assert latest_cited_year("党的十一届三中全会以来") == 1978
    assert extract_metadata("全面贯彻二十届三中全会精神。\n" + BODY, "")["year"] is None


def test_news_stamp_outlet_and_year():
    text = "2023-07-20 18:11，正文：新京报讯（记者耿子叶）7月19日，对2021年度作出突出贡献的企业进行了表彰。"
    meta = extract_metadata(text, "")
    assert meta["date"] == "2023-07-20"
    assert meta["year"] == 2023
    assert meta["org"] == "新京报"


def test_a_news_item_is_of_its_stamps_year_whatever_year_its_headline_names():
    text = (
        "2023-08-01 11:11，正文：原标题：美国2022年审查外国投资交易总量创历史新高本文转自"
        "【央视新闻客户端】；当地时间7月31日，美国财政部发布2022年年度报告。"
    )
    meta = extract_metadata(text, "美国2022年审查外国投资交易总量创历史新高")
    assert meta["year"] == 2023 and meta["date"] == "2023-08-01"
    # a report whose title names its year keeps it
    assert extract_metadata("2021年度工作总结\n" + BODY, "2021年度工作总结")["year"] == 2021


def test_the_outlet_after_a_stamps_time_and_a_page_address_before_it():
    text = (
        "http://www.gd.chinanews.com\xa0\xa0\xa0\xa02023年08月15日 22:12\xa0\xa0\xa0\xa0来源：中新网广东，"
        "正文：中新网广东新闻8月15日电 (孙秋霞)记者15日从惠州市公安局获悉，共抓获嫌疑人772人。"
    )
    meta = extract_metadata(text, "")
    assert (meta["date"], meta["year"], meta["org"]) == ("2023-08-15", 2023, "中新网广东")


def test_congress_report_speaker_is_the_central_committee():
    text = (
        "同志们：\n我受十二届中央委员会委托，向大会作报告。中国共产党第十三次全国代表大会。\n"
        + BODY
    )
    meta = extract_metadata(text, "沿着有中国特色的社会主义道路前进 (十三大)")
    assert meta["org"] == "中国共产党第十二届中央委员会"
    assert meta["year"] == 1987
    assert meta["genre"] == "其他"


def test_the_short_names_a_report_uses_for_its_unit_are_kept():
    text = (
        "今年以来，市城管局党建工作坚持以习近平新时代中国特色社会主义思想为指导。\n"
        "一、加强政治建设\n严明政治纪律。市教育局党组坚持……\n"
        "（作者系盐城市城市管理局党组成员、副局长 王从香）"
    )
    meta = extract_metadata(text, "")
    assert meta["org"] == "盐城市城市管理局"
    assert meta["org_aliases"] == ["市城管局"]  # 市教育局 is not an abbreviation of it


def test_news_item_is_none_of_the_office_genres():
    news = (
        "2023-08-18 09:21，正文：省政协召开会议，审议通过两份调研报告。会议强调，要优化报送方式。"
    )
    assert extract_metadata(news, "")["genre"] == "其他"
    party = (
        "2023-08-01 10:27，正文：某党支部开展主题党日活动，以党建引领业务，党员代表交流经验做法。"
        "支部书记讲党课，党员重温入党誓词，党支部表示将深化党建品牌。"
    )
    assert extract_metadata(party, "")["genre"] == "党建材料"


def test_a_speech_is_not_an_experience_paper():
    head = "抓实问题整改 推动基层党建全面进步\n——2023年7月20日在全区基层党建工作推进会上的讲话\n"
    body = "推广一批经验做法，党建工作扎实推进。\n" + "全区党建责任落实到位。\n" * 3 + BODY
    assert build_document(head + body, source_path="s.txt").metadata["genre"] == "党建材料"
    talk = head.replace("上的讲话", "上的交流发言")
    assert build_document(talk + body, source_path="t.txt").metadata["genre"] == "经验交流"
