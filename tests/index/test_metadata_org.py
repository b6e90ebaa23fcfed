"""Units (index/metadata/org.py): outlets of news items, a subtitle under a two-line title, the
unit an opening sentence is about."""

import pytest

from index.metadata import extract_metadata
from index.prepare import build_document

BODY = "正文内容。\n" * 30


@pytest.mark.parametrize(
    ("text", "org"),
    [
        (
            "[ 2023/08/15 16:31 ]，正文：中国经济网北京8月15日讯 大族数控今日股价下跌。",
            "中国经济网",
        ),
        ("2023-08-16 10:00，正文：江西日报讯 （记者魏星）会议召开。", "江西日报"),
        ("08-06 00:02，正文：央视网消息：今年上半年出口增长。", "央视网"),
        ("2023-08-04，正文：项目建设提速。（新华每日电讯记者王阳）", "新华每日电讯"),
        ("，正文：宁波通报食品抽检结果。请拨打12345投诉举报热线。潇湘晨报综合", "潇湘晨报"),
        ("2023-08-11 08:33，正文：据美联社8月10日报道，波兰计划部署军人。", None),  # cited
        ("2023-08-10 09:00，正文：本报17日讯（记者郭铭华）会议召开。", None),  # 「本报」 names none
    ],
)
def test_outlet_a_news_item_names_as_its_writer(text, org):
    assert extract_metadata(text, "")["org"] == org


def test_inline_source_names_the_whole_unit():
    text = "，正文：近日，某刊刊发学院党建经验。学校党委坚持党的领导。（来源：山东英才学院）"
    assert extract_metadata(text, "")["org"] == "山东英才学院"
    assert (
        extract_metadata("，正文：本文转自：人民网为强化法治意识，某行举办活动。", "")["org"]
        == "人民网"
    )


@pytest.mark.parametrize(
    ("tail", "org"),
    [
        ("来源丨洱源警方返回搜狐，查看更多责任编辑：", "洱源警方"),  # 丨 for the colon
        ("来源 | 环球网编辑 | 张青津返回搜狐，查看更多责任编辑：", "环球网"),
        ("转自丨三亚警方来源：海南警方返回搜狐，查看更多责任编辑：", "三亚警方"),  # the first
        ("来源：小王说事返回搜狐，查看更多责任编辑：", None),  # an account that is no unit
    ],
)
def test_portal_footer_source(tail, org):
    text = "2023-08-05 17:25，正文：原标题：一民宿被查处 8月2日，派出所开展行动。" + tail
    assert extract_metadata(text, "")["org"] == org


def test_we_the_school_names_the_school():
    text = "学校简报\n近年来，我校深化改革。\n广东生态工程职业学院坚持以赛促学。\n" + BODY
    assert extract_metadata(text, "学校简报")["org"] == "广东生态工程职业学院"


def test_subtitle_unit_under_a_two_line_title():
    text = (
        "強化工作載體建設\n破解“兩張皮”頑症\n——天津市濱海新區區委區級機關工委經驗交流材料\n" + BODY
    )
    doc = build_document(text, source_path="x.txt")
    assert doc.title == "強化工作載體建設 破解“兩張皮”頑症"  # display text keeps its script
    assert doc.metadata["org"] == "天津市滨海新区区委区级机关工委"


def test_unit_the_opening_sentence_is_about():
    text = (
        "破解两张皮顽症\n——2023年3月5日在全区机关党建工作会议上的交流发言\n"
        "近年来，天津市滨海新区区委区级机关工委牢牢把握职责定位，我区机关党建扎实推进。\n" + BODY
    )
    doc = build_document(text, source_path="y.txt")
    assert doc.metadata["org"] == "天津市滨海新区区委区级机关工委"
    assert doc.metadata["date"] == "2023-03-05"


@pytest.mark.parametrize(
    ("text", "org"),
    [
        (
            "2023-08-01 18:39，正文：原标题：中医义诊月启动央广网银川8月1日消息（记者 廉军）为了纪念。",
            "央广网",
        ),
        (
            "2023-08-06 17:12，正文：原标题：西关正骨体验活动在广州举办南方网讯 整复理伤手法。",
            "南方网",
        ),
        (
            "2023-07-31 20:08，正文：原标题：社区有了一支服务队极目新闻记者 王峻 7月31日，社区举行活动。",
            "极目新闻",
        ),
        (
            "2023-08-06 18:55，正文：侦察兵救出重伤女孩。来源：央视军事，记者：付运红返回搜狐",
            "央视军事",
        ),
    ],
)
def test_outlets_named_in_bylines_and_footers(text, org):
    assert extract_metadata(text, "")["org"] == org


def test_a_title_that_opens_with_a_verb_ending_in_ban_names_no_unit():
    # 「江永县举办2023年……」: 举办 is a verb, not a unit's 办; the outlet wrote the item.
    text = (
        "2023-08-01 10:00，正文：原标题：江永县举办2023年青年人才社会实践活动江永县举办2023年青年人才"
        "社会实践活动 红网时刻新闻8月1日讯 活动举行。"
    )
    assert build_document(text, source_path="x.txt").metadata["org"] == "红网"
