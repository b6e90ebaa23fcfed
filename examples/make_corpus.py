"""Regenerate the two binary-ish sample files from text kept here.

    .venv/bin/python examples/make_corpus.py

Writes examples/corpus/01_2023年度党建工作总结.docx (headings, paragraphs, a table,
core title) and examples/corpus/02_老旧小区改造党员作用调研报告.txt (GBK-encoded, as
Chinese office PCs save it). The agency and every name and figure are fictional.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
DOCX_NAME = "01_2023年度党建工作总结.docx"
GBK_NAME = "02_老旧小区改造党员作用调研报告.txt"

DOCX_TITLE = "江川市住房和城乡建设局机关党委2023年度党建工作总结"
# ("h1"|"h2"|"p"|"table", content); a table is a list of rows.
DOCX_BLOCKS: list[tuple[str, object]] = [
    (
        "p",
        "2023年，局机关党委在局党组和市直机关工委的坚强领导下，以习近平新时代中国特色社会主义"
        "思想为指导，深入学习贯彻党的二十大精神，围绕“建设队伍、服务中心”核心任务，扎实推进"
        "模范机关创建，全年各项党建工作任务圆满完成。现将有关情况总结如下。",
    ),
    ("h1", "一、主要工作及成效"),
    ("h2", "（一）理论学习走深走实"),
    (
        "p",
        "全年组织局党组理论学习中心组集中学习12次、专题研讨4次，各党支部开展主题党日活动144"
        "场次。结合主题教育，举办党支部书记和党务干部培训班2期，培训86人次。",
    ),
    ("h2", "（二）基层组织更加规范"),
    (
        "p",
        "1.抓好支部标准化建设。对照《党支部标准化规范化建设指引》，完成12个党支部达标验收，"
        "评选“五星党支部”3个。",
    ),
    (
        "p",
        "2.严格组织生活。“三会一课”制度落实率100%，全年召开组织生活会12场，民主评议党员236人次。",
    ),
    ("h2", "（三）党建业务深度融合"),
    (
        "p",
        "围绕城市更新和老旧小区改造，组建党员突击队8支，设立党员先锋岗27个，推动完成老旧小区"
        "改造46个，惠及居民1.3万户。主要指标对比如下：",
    ),
    (
        "table",
        [
            ["指标", "2022年", "2023年"],
            ["党支部（个）", "11", "12"],
            ["党员（名）", "221", "236"],
            ["发展党员（名）", "4", "6"],
            ["党员先锋岗（个）", "19", "27"],
        ],
    ),
    ("h1", "二、存在的问题"),
    (
        "p",
        "一是个别支部理论学习方式较为单一，学用结合不够紧密；二是党建与业务融合的载体还不够丰富，"
        "部分项目亮点不突出；三是青年党员教育管理仍需加强，35岁以下党员参加集中培训比例仅为62%。",
    ),
    ("h1", "三、2024年工作打算"),
    ("p", "（一）强化政治引领。持续深化“第一议题”制度，全年开展集中学习不少于12次。"),
    ("p", "（二）夯实基层基础。推进“四强”党支部创建，力争年内新增“五星党支部”2个。"),
    ("p", "（三）深化融合发展。围绕保障性住房建设和城市更新，打造“红色工地”示范点5个。"),
    ("p", "江川市住房和城乡建设局机关党委"),
    ("p", "2024年1月10日"),
]

GBK_TEXT = """关于老旧小区改造中发挥党员先锋模范作用的调研报告

为深入了解老旧小区改造中党员作用发挥情况，2023年8月至9月，局机关党委会同城建科、物业科组成调研组，采取实地走访、座谈交流、问卷调查等方式，先后到东城、西湖、滨江3个街道的9个改造小区开展专题调研，发放问卷420份、收回有效问卷397份。现将调研情况报告如下。

一、基本情况
截至2023年9月底，全市纳入年度计划的老旧小区共58个，涉及楼栋312幢、居民1.57万户，已开工52个、完工31个。调研的9个小区共有在职党员和退休党员217名，其中主动参与改造协调工作的党员143名，占65.9%。

二、主要做法
（一）支部建在项目上。在每个改造项目成立临时党支部，由街道、社区、施工单位党员共同组成，全年共成立临时党支部14个。
（二）党员走在群众前。推行“党员包楼栋”制度，1名党员联系1至2个楼栋，累计入户走访3600余户，收集意见建议528条，办结率达96.2%。
（三）议事摆在桌面上。依托“红色议事会”召开协商会议87场，解决加装电梯、停车位划分等难题41个。

三、存在的问题
（一）党员参与不够均衡。部分小区退休党员参与多、在职党员参与少，在职党员中有32.4%表示“时间难以保证”。
（二）协调机制有待完善。少数项目临时党支部与物业、业委会沟通不畅，问题办理周期平均为18天，群众反映偏长。

四、对策建议
（一）完善激励机制。将在职党员到社区报到服务情况纳入年度考核，每季度通报一次。
（二）健全协商平台。推广“红色议事会”经验，力争2024年底实现改造小区全覆盖。
（三）加强跟踪问效。建立问题清单、责任清单、销号清单“三张清单”，确保群众诉求件件有回音。
"""


def write_docx(path: Path) -> None:
    """Write the 工作总结 as a Word file with real heading styles and a table."""
    import docx

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.core_properties.author = "江川市住房和城乡建设局机关党委"
    document.add_heading(DOCX_TITLE, level=0)
    for kind, content in DOCX_BLOCKS:
        if kind == "table":
            rows = content
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif kind in ("h1", "h2"):
            document.add_heading(str(content), level=1 if kind == "h1" else 2)
        else:
            document.add_paragraph(str(content))
    # Fixed timestamps keep the regenerated file identical except for zip metadata.
    document.core_properties.created = document.core_properties.modified = _fixed_time()
    document.save(str(path))


def _fixed_time():
    from datetime import datetime

    return datetime(2024, 1, 10, 9, 0, 0)


def main() -> None:
    """Write both generated files into examples/corpus/."""
    CORPUS.mkdir(parents=True, exist_ok=True)
    write_docx(CORPUS / DOCX_NAME)
    (CORPUS / GBK_NAME).write_bytes(GBK_TEXT.replace("\n", "\r\n").encode("gbk"))
    print("wrote", DOCX_NAME, GBK_NAME)


if __name__ == "__main__":
    main()
