import pytest

from index.outline import parse_outline
from index.prepare import build_document
from index.titles import derive_title, find_title

BODY = "正文第一段，内容完整。\n" * 3


def test_title_split_over_two_lines_is_joined_with_a_space():
    text = (
        "高举中国特色社会主义伟大旗帜\n为全面建设社会主义现代化国家而团结奋斗\n——在中国共产党第二十次全国代表大会上的报告\n（2022年10月16日）\n习　近　平\n同志们：\n"
        + BODY
    )
    assert find_title(text) == "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗"


def test_title_broken_inside_a_phrase_is_joined_without_a_space():
    text = "关于老旧小区改造中发挥党员\n先锋模范作用的调研报告\n" + BODY
    assert find_title(text) == "关于老旧小区改造中发挥党员先锋模范作用的调研报告"
    assert find_title("某某局2023年度党建\n工作总结\n" + BODY) == "某某局2023年度党建工作总结"


def test_zero_width_characters_never_reach_the_title():
    outline = parse_outline("党建\u200b协同\u2060发展的思考\n" + BODY)
    assert outline.title == "党建协同发展的思考"
    assert outline.title_source == "text"


def test_about_report_line_after_a_paragraph():
    text = "本文为转载内容，仅供参考。\n关于2023年机关党建工作情况的报告\n" + BODY
    assert find_title(text) == "关于2023年机关党建工作情况的报告"


def test_first_sentence_is_never_the_title():
    text = (
        "为认真贯彻落实上级要求，我局围绕城市建设中党员作用发挥开展了调研。现将调研情况报告如下:\n"
        + BODY
    )
    doc = build_document(text, source_path="x.txt")
    assert doc.metadata["title_source"] == "derived"
    assert doc.title == "关于城市建设中党员作用发挥的调研报告"


def test_derived_title_from_unit_and_genre():
    assert derive_title("今年以来，党建工作。党建。党建。", "盐城市城市管理局", "工作总结") == (
        "盐城市城市管理局党建工作总结"
    )


def test_original_title_of_a_news_item_ends_at_its_dateline():
    text = "2023-08-16 09:03，正文：原标题：为困难家庭修缮房屋 将温暖送到群众心坎中新网新疆新闻8月15日电（寇紫娟）正文。"
    assert find_title(text) == "为困难家庭修缮房屋 将温暖送到群众心坎"


def test_hint_title_is_single_line():
    outline = parse_outline(BODY, title_hint="强化工作载体建设\n破解“两张皮”顽症")
    assert "\n" not in outline.title


def test_chinese_numeral_dateline_is_not_half_of_the_title():
    text = "盐城市城市管理局2024年度党建工作总结\n（二〇二五年一月八日）\n" + BODY
    assert find_title(text) == "盐城市城市管理局2024年度党建工作总结"


def test_original_title_ends_at_a_notice_genre_a_dateline_or_a_first_date():
    assert find_title("，正文：原标题：兖州区发布悬赏公告济宁市兖州区人民法院执行悬赏公告为……") == (
        "兖州区发布悬赏公告"
    )
    run_on = "2023-08-16 13:34，正文：原标题：\u200b中国培育航天产业新业态参考消息网8月16日报道据日媒报道，……"
    assert find_title(run_on) == "中国培育航天产业新业态"
    dated = (
        "，正文：原标题：某职院荣获2022-2023年度技能大赛奖项69项佳绩2023年7月，省教育厅公布了名单。"
    )
    assert find_title(dated) == "某职院荣获2022-2023年度技能大赛奖项69项佳绩"
    reprinted = "2023-08-01 11:11，正文：原标题：美国2022年审查外国投资交易总量创历史新高本文转自【央视新闻客户端】；"
    assert find_title(reprinted) == "美国2022年审查外国投资交易总量创历史新高"


def test_news_body_that_opens_with_its_title():
    notice = "08-11 04:09，正文：关于新增某平台为某基金代销机构的公告某基金管理有限公司已签订协议。"
    assert find_title(notice) == "关于新增某平台为某基金代销机构的公告"
    spaced = (
        "，正文：宁波通报7批次食品不合格，涉一川菜馆                宁波市市场监督管理局发布通告。"
    )
    assert find_title(spaced) == "宁波通报7批次食品不合格，涉一川菜馆"
    tabbed = "2023-07-31 02:57:01，正文： \t物流运行保持恢复态势 升级动力明显 \t中国物流与采购联合会公布数据。"
    assert find_title(tabbed) == "物流运行保持恢复态势 升级动力明显"
    # A reporter's byline set off by spaces is no title.
    assert find_title("，正文：新京报讯（记者张建）    7月31日，广州表态。") is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A headline the page prints twice ends where it repeats.
        (
            "2023-08-01 20:31，正文：原标题：集团工会开展一线职工“夏日送清凉”慰问活动集团工会开展一线职工"
            "“夏日送清凉”慰问活动 自7月入伏以来，气温持续升高。",
            "集团工会开展一线职工“夏日送清凉”慰问活动",
        ),
        # Bylines: 「央广网银川8月1日消息」「南方网讯」「【环球时报驻……记者】」「极目新闻记者」.
        (
            "2023-08-01 18:39，正文：原标题：贺兰县“关爱老兵健康”中医义诊月启动央广网银川8月1日消息（记者 廉军）为了纪念",
            "贺兰县“关爱老兵健康”中医义诊月启动",
        ),
        (
            "2023-08-06 17:12，正文：原标题：共享健康生活 省级非遗项目“西关正骨”体验活动在广州市文化馆举办南方网讯 整复理伤手法",
            "共享健康生活 省级非遗项目“西关正骨”体验活动在广州市文化馆举办",
        ),
        (
            "2023-08-08 07:11，正文：原标题：拉胡尔恢复议员身份狙击莫迪【环球时报驻巴基斯坦特派记者 程是颉】印度议会下院7日宣布",
            "拉胡尔恢复议员身份狙击莫迪",
        ),
        # A 来源 line, an 「……」 ending, a first sentence 「为深入贯彻落实」, a page's time stamp.
        (
            "，正文：原标题：四川4市入围全国城市一刻钟便民生活圈试点来源：四川日报商务部等部门公布名单。",
            "四川4市入围全国城市一刻钟便民生活圈试点",
        ),
        (
            "2023-08-16 09:24，正文：原标题：太险了！近90°悬崖上，他们这样捡拾垃圾……日出云海、幽谷险道",
            "太险了！近90°悬崖上，他们这样捡拾垃圾……",
        ),
        (
            "2023-08-14 11:43，正文：原标题：建设银行中山市分行: 创新宣传形式，做好公众教育宣传为深入贯彻落实《办法》，",
            "建设银行中山市分行: 创新宣传形式，做好公众教育宣传",
        ),
        (
            "，正文：原标题：木蚁机器人B2轮融资10亿 无人叉车技术领先2023-08-18 08:40:12 作者：姚立伟",
            "木蚁机器人B2轮融资10亿 无人叉车技术领先",
        ),
    ],
)
def test_original_title_ends_where_the_page_goes_on(text, title):
    assert find_title(text) == title


def test_original_title_holding_a_full_stop_is_a_caption_not_a_headline():
    caption = "，正文：原标题：暑期儿童亲子演出正酣《甪端》剧照。 （故宫博物院供图）【深圳商报讯】（记者）"
    assert find_title(caption) is None
