import unicodedata

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Company names are matched through a case-folded copy with an index of its own. The copy
# is made in Python, as models.normalise.name_key makes it (kept here as it was, so this
# migration does not change when that function does): SQLite's LOWER() folds ASCII only.
#
# Every statement runs through `db`, in aerich's transaction. On PostgreSQL that transaction
# also records the version; on SQLite the script returned to aerich runs through sqlite3's
# executescript, which commits first, so a run cut short before the record runs again:
# each step may find itself done already.
HAS_COLUMN = {
    "sqlite": "SELECT 1 FROM pragma_table_info('debtor') WHERE name = 'name_key'",
    "postgres": "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
    "AND table_name = 'debtor' AND column_name = 'name_key'",
}
ADD_COLUMN = 'ALTER TABLE "debtor" ADD "name_key" VARCHAR(600) NOT NULL DEFAULT \'\''
SET_KEY = {
    "sqlite": 'UPDATE "debtor" SET "name_key" = ? WHERE "id" = ?',
    "postgres": 'UPDATE "debtor" SET "name_key" = $1 WHERE "id" = $2',
}
FINISH = {
    "sqlite": ['CREATE INDEX IF NOT EXISTS "idx_debtor_name_ke_0244aa" ON "debtor" ("name_key")'],
    # SQLite cannot drop a column default; PostgreSQL ends as the models describe it.
    "postgres": [
        'ALTER TABLE "debtor" ALTER COLUMN "name_key" DROP DEFAULT',
        'CREATE INDEX IF NOT EXISTS "idx_debtor_name_ke_0244aa" ON "debtor" ("name_key")',
    ],
}


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


async def upgrade(db: BaseDBAsyncClient) -> str:
    dialect = db.capabilities.dialect
    if not await db.execute_query_dict(HAS_COLUMN[dialect]):
        await db.execute_query(ADD_COLUMN)
    debtors = await db.execute_query_dict('SELECT "id", "name" FROM "debtor"')
    if debtors:
        await db.execute_many(SET_KEY[dialect], [[name_key(row["name"]), row["id"]] for row in debtors])
    for statement in FINISH[dialect]:
        await db.execute_query(statement)
    return "SELECT 1"  # aerich runs what is returned, and asyncpg refuses an empty script


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_debtor_name_ke_0244aa";
        ALTER TABLE "debtor" DROP COLUMN "name_key";"""


MODELS_STATE = (
    "eJztXWtv2zYX/iuEv6wDvKBJk6zIOwxwE3fLFttd7OyaQaAlOtYiUa4uSYyt//0lqbtEya"
    "JrybJKoKgd6hxaeg4v50r92zMtDRnO0S160B3Xhq5u4fc6MrTeBfi3h6GJyJdioj7owdUq"
    "JqENLpwbjMtOkCuLiH5O21SXUCyg4SDSpCFHtfUVpaN8AwzQC6EBHz3k0EZA/kHgLK3VVw"
    "5I9goWlm3+D6AnZK8B+wWgU4qPnm4j7Yj+nGaphFrHDzvv2cM66UZxrQfkLpFN+v/rrx7t"
    "il58ROve33+TLzrW0Aty6FX65+oxQCIJr86AYe2Ku16xtmvsRhBrc0W1DM/EMfFq7S4Jqi"
    "G1jl3a+oAwIvePaPeu7VFssWcYgUBCuP0bj0n8W0zwaGgBPYNKiHL7NxC39RRlPJkp0+FM"
    "UXo56YUcCdiDJtXCFF1yqw57+gd6C9+cHJ9+e/r2zfnpW0LCbjNq+faT/9MxMD4jg2c863"
    "1i16ELfQqGcQwqlUAO1csltPmwBuQZXMkNZ3ENUSwDNmyIkY2HehPQmvBFMRB+cJfkz/PT"
    "Ehx/Hdxe/ji4fXV++jX9QYvMTH/yjoMrJ+wShTqGljw3MkTAjRg6CO/J69cV8CVUhQCza2"
    "mEV5ajs9uqvi4kWTavDruC+XWrV4cYUNVG9MkV6OYhvSJXXN1EfFzTnBlktYD1KPxyiMOZ"
    "PKA2wcY62ABKcJ1dj4bT2WD0gf6c6TgfDYbfYDakV05Y6zrT+uo8M/CjTsBv17MfAf0T/D"
    "kZDxm8luM+2OwXY7rZnz16T9BzLQVbzwrUEntV2BqilpI63Y0Vod01wdHcJGr5Lkv1lsUj"
    "d5MN1Z00uu8tG+kP+Ge0ZiBfkzuCWEUcUAPFchp0c2DgfgpHT9gaD0sbPkeKXnJQkWcnT4"
    "xcf8McTC8HV8MeQ3gO1cdnaGtKCmp6xTqxMi0Rbf6SeWJmWyCGDwwc+hT0npOoc9T8UBrF"
    "mn0o9o26fDGUHO1Zqst7VJeXEGsGElHqYo7daHX7hbdmlZl9CoAb0kuFuZrCnPI1IEyB4K"
    "wS7yzLQBDzIS/qIiOCOemjLhlELfVtVjzM300mNymN7t31LIP93ejd8PbVMRMJIdL9DSyv"
    "Z5M9w7aeoKHQXYM/4IfYM3N6QUoSuU6amwW90WB8N7jpiQkh4LoA/uc9HtzNJqPB7PryAk"
    "Rfs96oKnPl+LzCVDnOatjxTKGX0gIKHklZ2bqKFIOMeMWFD05eVD9NJ2P+RCnpImse6aoL"
    "/gOUpDaBfbfwsMpcdnNPN1wdO0f0974XFOEu5hGFLDWPQkG8Gg1+z8ro8mbyLmvy0A7eZQ"
    "Rm6lg3PVOxbA3ZCjQtD/NsWKTqJjT4AivqIistv4+joK8KEgt26LbsMyWiuRpeXo8GN6+O"
    "T/snmUUslNFpblNRl0h9tDwy0uHaRNglY93URcEv7kTCvwF+z7YRVoXcuEmeBneN4d1tXe"
    "tNekN4U2E/eFO4HbzJe3Lxg0esQ6H1P8W01xU/MFipOeochdtSdHud2QKw5eoLXQ00UxPq"
    "Qs53PvdWk6NlC07GrjirYrURqmK74ixvt1Hw1orqOa5lks2TQGajf5DKd86X2hebumrQzg"
    "gt64M1MwiENlrYFtlOPVtoNuQ5uzcTzipZ2GclFvYZz8I26cPZ1H8J18rS8mzOrlHohyti"
    "b87LfnJaF/g7jlVFUDlUXRSPWPH4dxC3atmQP5AwVYhJaZxKRieLJ1d3o5PeSttS6mlOKf"
    "W2SJ0z2dnd5yKoxQG/Apd2QJDXOINO3v98S/bVAlWyLH3vwAZGUcg1PbEcxNNNRLCiMdA7"
    "0k1XIUoNLprWiBx3h8Pr1u+xS+jVGYm/JOYIVN0PZNiyu82F5NME/bLYvOqTKquYdnPGLf"
    "CpgbUAEGhoToykPnheWsCEazBH4EF/QpjlyQI2uTiptVt1IbMA2pUFsNBtx1VEg9Vprg6G"
    "rI8rGdTHJQb1cd6gNuAWUKeYJNLVkBZ2mdbtJd1fZkstTtIVwUhoFEcM3fO91ZFt78czxJ"
    "aJmKeDq8TbChi/LYT4bS7QKN0vHTPEpfvlS5R6kfslnf9ELROxooAUjywL2FwW4AOWR1i4"
    "MOAq6ujAAK5aGpAaWqLFAZlCF+n2atxxE4xPjscmHrnFrpp4mlRx0YSJA0C1zBXEa54Phk"
    "sjnSztcrJgz5wjzupYksITcXSu1OLNSZWMtpPilLaTtpda7NHYr6PSgn4qgsX1SZ7uwXxe"
    "CebzEpjPpc9K+qy65LN6gq4ivs2luTo3jne/1RGzl1jGHJ1/hl4KlLQESxcGcplnYvj7LO"
    "WUyKViR46Jm8n4h5A8m5+dWTa2L5uS5VKyXOpQ5o4slzpA+GUUo2P+bBnF+BKlvtMk0iAb"
    "7DPdwrn0swMbCYeVEtnOfapZx/pAI1oYi0RwfOvxxX6Zex1SMhYVqeZin7pwsaD5i+4SsU"
    "RFB7yyLQOBwdXoevx13t9ehUE639vlfG/Yr9YycBsomG3S+96ylbKJg0Gh4zwTw1RZQmcp"
    "5L7MMnYwLezk7KzSgD4rGdBnWcR1RyG7hv7EGdWl5d4pPlnbXb22W9qxxcP9MC2aKnYsS2"
    "w3rAeisYkLPscsy53bY7z6st7KenWQ4xCcPjepye/lYGVebrZSP6hGFj1pse7XYo1S5wpO"
    "1N1sr0ZJfNXM1Tjb6ysHsMUPuBawsG+K9gF0XagukRa2Bq6gsE7Pt1Qv76azyWh4y7Fua+"
    "i/9JUZ9MmjRBECdXwl6Fm+UGOvlnMoHxGrI8nTQYPj+KxStdpZSbXaWc7ES82DLbCuO9Gq"
    "a3jv2aRu2d7ZgEUtC9rqLmgz4VqZIwW9qIanCR+EzeGW/ovq/ostUd8T3FHLYePt+EE76P"
    "COZSzOhuPxdmEVbzotLhy8iqMH9Vwi7ps8t/TftM1/w5W2h11eMK2itCNuKe02S9v0HFdR"
    "l0QBQ0qo8opqFAVdyH1OxkVkXKR09rEY4pZyz/LKdbbN62zkTvAXym0EXtCFlHub5S4jn1"
    "+OrMPDGYUCFGkmef4I730A8kWv8kWvzQeU+6IveuWsBTtAtavp+Vl40wvh9qflWBgpdC9U"
    "XOsRfW52yQSjGelrRrvqEPbp5VXm4cjykUNKxklNSk5CTnbSFiflpNcKRrs5MwcDHT/pLh"
    "McsGwQ2mXfEFUSucDQ8eMFcAhqBqKHYfcBelnpFMU+YO8n0gANKSONk5Sz065lcUq7UmxW"
    "nk0sjq3fm5tgb3OMnADx6/VsMLuejC9A/P0efxhMp79Nbq+U2yFhvQDpv7NzoVLCyM7fn8"
    "uWAeFUkTRX5yqJdn+AjHR2F0PfXWc326uQs4XU05wdlPqBSLmSF4zoJVsdWOBIj/ZByDdK"
    "ZN/CJZdgk365an65qGZgB865jh3+2+c56BJDTNSHVGsBSeAe4dWPxJ6TkvKRBFGF4hGHjA"
    "2kfaNjMLetZwIJtSZVQ0fYPQJUvWCnGjDF9SuHGY1AdwIbklcs8tn9SWO0XcaotHSkpSMt"
    "HWnpNDzfDkTI1cL9bPtTCo9pLV5G85xdSEuvey31T3wS0gaSLFsZHG2DuI7Mij3Zch2Ets"
    "SUYyNxB2Zc6nS0w0K4qhmXnLSbEy32ZCMfKLZtNpGTAfEBdp75py1wqPplhnMqcg9jhipx"
    "Xp+cHoEAMUAvhAGwZ+mDZ91dAghUa7UOjwgkIwMZADpAd8Ez+YDOY0GMd0fdSpO6XSa1YE"
    "V/dwv563hLKpkEIuBGDB2Et5ajB5+g4XFSE4qLayOGTiDcdEktsUX1MD2s4jKcZGkuePK6"
    "1YtxMkGPZdCJ2TFpJhmR2mzG2HGi4mfq2tulP7YN7qp6d3qktVXrDuWwQe1OiKui3p0YNh"
    "sV72LsNyu88aliZPi5nuMfKiZV4MZeftmytzN2TUvb9/nm+w0eNHDAefBmXSFnfszSPS9+"
    "LaNYHhFW9xFhwe7HxXdzpnnM3RzSvQ/D8dX1+IeeGNwh2wUIvtzjwYcPt5Nfh1cXIPx2j2"
    "+HPw0vZ7Qt/Jb1y+0n39zx5qbubpcgkOWVKQJtiR5XSREID3YWl3uaU+bKtjlFwEb/INXd"
    "7vQ6Hm8XFIymXW0amruWYIA7xSOj23l3W7gIzdeiwGb4JLjyvIuGEJV5LruCVh4l0uRRIv"
    "GauQNgv4D8odwek4KY3AUY393cZDGmG/4O8L2KOuoquAnNqAKwMj1LeF0oSs+KAa5yDI6f"
    "ZLTDM0riZKuOLMr1nlHiuXPrZYQcB7INN39ISYqgX3pKCSNVzARthRIw6vkHzzZ1EdFjRf"
    "zX2JJ7IM9OxgZkpiXNK6Pt/omSNMXMRYbhAGvRBw7CLiADBNm8grAd914ptBe5JTExmhVI"
    "ftpc0U8Z5Ws2yhcMRK4uXezBT3N1rnaslpep2ESVWdFaERGgU0wdjJXUEvijawldjkSATv"
    "J0EOc60jhl4K/ewB89RJFsjnmAf5pOxkXx64glG0zQVRf8Bwy9vtSs3ncLD/vKwtzTDVfH"
    "zhH92e8F44C78D5TiMq9z1lHcz8dMaAdZL3PBxiJ/eVueBcESAUCsT7XBfA/7/F0OJ5dAP"
    "r/PX4/uL6h1/zPdoReA/WRI5riasIEi8zAzfpYs0p5DtfysCaHvYMR7S4FNx1WwyyetxCz"
    "yeB1m+XL3j6AbJvnFy0OW6e5ZMBaPGAtzwwp3rO6lRCUi6PtpwRg4Gm6O3xCmJv5n7jaL/"
    "NSQkqnoIhwo4vyt6UFNF0Dz0vo0mLY56WuLoE1p2kvffIXopWyGljYlkn/stERGJPubeCt"
    "6BDW+gCzP30POafUto4fkEW37fJFWqrq2fZWq2WGtXuH7XRstcy8OM2ylUeC67amdbqHNn"
    "uWeoOr0fX4ArCPe3x5N51NRsPbCxB+u8eD8WT8x2hyNyVU4Vdigv8xnQ1HxAhnny0xu1Xh"
    "ZLwki8zAyRvePj7CJfIZti5o6g3ECfzIpiDO/Bh7B2qwdh8i8LUzHyMBkDNs3RvMtSEttB"
    "SneORazHmNrzwTsNFBrCEX6gYH6OJ4V4JFxrt2Eu9qixsD2cS+7/FcGP6Vfqn7Iqap84QC"
    "6R1o0jvwhGxHUF1LsLTZKGxTlhKdVCIKsU/eQXSPK1XLH5dUyx/nq+VZfgYvA2xDSgc3/6"
    "uBLW4/kZhubGaf/g+GuqAK"
)
