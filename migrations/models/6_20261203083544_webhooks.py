from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Partners' webhooks: the endpoints and the shops they are of, each event as it is sent, and
# each event's delivery to each webhook. New tables only, so nothing existing is held.
COLUMN_TYPES = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "json": "JSON", "bool": "INT",
               "time": "TIMESTAMP"},
    "postgres": {"id": "SERIAL NOT NULL PRIMARY KEY", "json": "JSONB", "bool": "BOOL",
                 "time": "TIMESTAMPTZ"},
}
NEW_TABLES = [
    """CREATE TABLE IF NOT EXISTS "webhook" (
    "id" {id},
    "url" VARCHAR(2048) NOT NULL,
    "description" TEXT,
    "events" {json} NOT NULL,
    "all_shops" {bool} NOT NULL,
    "secret_sealed" TEXT NOT NULL,
    "previous_secret_sealed" TEXT,
    "previous_secret_until" {time},
    "active" {bool} NOT NULL,
    "disabled_reason" TEXT,
    "failing_since" {time},
    "created_at" {time} NOT NULL,
    "created_by_id" INT
)""",
    """CREATE TABLE IF NOT EXISTS "webhook_message" (
    "id" {id},
    "message_id" VARCHAR(64) NOT NULL UNIQUE,
    "event" VARCHAR(32) NOT NULL,
    "shop_id" INT,
    "body" TEXT NOT NULL,
    "created_at" {time} NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS "webhook_delivery" (
    "id" {id},
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_attempt_at" {time} NOT NULL,
    "last_status_code" INT,
    "last_error" TEXT,
    "created_at" {time} NOT NULL,
    "delivered_at" {time},
    "message_id" INT NOT NULL REFERENCES "webhook_message" ("id") ON DELETE CASCADE,
    "webhook_id" INT NOT NULL REFERENCES "webhook" ("id") ON DELETE CASCADE
)""",
    """CREATE TABLE IF NOT EXISTS "webhook_shop" (
    "webhook_id" INT NOT NULL REFERENCES "webhook" ("id") ON DELETE CASCADE,
    "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE
)""",
]
INDEXES = [
    'CREATE INDEX IF NOT EXISTS "idx_webhook_del_status_5b6f00" ON "webhook_delivery" ("status", "next_attempt_at")',
    'CREATE INDEX IF NOT EXISTS "idx_webhook_del_webhook_6a1bba" ON "webhook_delivery" ("webhook_id", "id")',
    'CREATE INDEX IF NOT EXISTS "idx_webhook_del_webhook_ef1d90" '
    'ON "webhook_delivery" ("webhook_id", "status", "id")',
    # Deleting an event (and its deliveries with it) finds them by this.
    'CREATE INDEX IF NOT EXISTS "idx_webhook_del_message_3c1f0e" ON "webhook_delivery" ("message_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uidx_webhook_sho_webhook_9a2d41" ON "webhook_shop" ("webhook_id", "shop_id")',
]


async def upgrade(db: BaseDBAsyncClient) -> str:
    types = COLUMN_TYPES[db.capabilities.dialect]
    for statement in [*(table.format(**types) for table in NEW_TABLES), *INDEXES]:
        await db.execute_query(statement)
    return "SELECT 1"  # aerich runs what is returned, and asyncpg refuses an empty script


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "webhook_shop";
        DROP TABLE IF EXISTS "webhook_delivery";
        DROP TABLE IF EXISTS "webhook_message";
        DROP TABLE IF EXISTS "webhook";"""


MODELS_STATE = (
    "eJztXXmT2jgW/yoq/plsFZNKX0mW2toqmiYJMxy9HElmhymXsQV4G2TGR3eo3Xz3leTblo"
    "1FbDAeVXU1RtaTzXu63u8d+m9jq6twY74ew5VmWoZsaTr6oMGN2miB/zaQvIX4Ir1SEzTk"
    "3S6oQgosebGhVEaourT06y9ImWLhGkt5Y0JcpEJTMbQdqUfo2gjAb7gO+NOGJikE+E8G5l"
    "rf/WSCcKtgqRvbJrD2O6g2gYbpZGUN9CWw1tCrv5HRypZX0HxNnq7qCibW0KrsB9lIw61K"
    "lr6CuI6BH/f77w1Sk9x8gvvGH3/gCw2p8Bs0yV3ydffk8inMfI2yjZZL5AVIWQ9ZvgDUha"
    "ToG3uLgsq7vbXGPPdqa8gipSuIIP45kDRvGTbhPLI3G1dcnjCcFw+qOK8YolHhUrY3RH6E"
    "2nmBoKwhScPRVJp0p5LUSMjWowhJwS1SdESYjV/VpL9+RV7h5+ur23e372/e3r7HVehr+i"
    "XvvjuPDhjjEFL2DKeN7/S+bMlODcrjgKlEAgmudtaywWarWz3GV/zCcb56XMxirFcQcDYY"
    "CKdg7Vb+Jm0gWllr/PXtbQYfP7fHnU/t8au3t38jD9TxuHWG9tC9c01vEVYHrKXcYfK2i+"
    "wt5W8Pv5CMFJjgs0d7OkY3pt2v0wYfqylNC5D/czSY9ae9fm/YbQH/co6Gs8F9d9wCzucc"
    "dQftXr8F6MccPX4akfr0Y45mY3wH/5ujz+2p5FEG13PUGc2G0/FvLeBe4JJPo14HN+F8um"
    "8heaXhb6Rut/Pr/egrqe1czdFDe4rrkf/xWTFPp7l6m6PTXL1N7TTkVrTTGPBPWzMgY6q7"
    "1/UNlBF7XIbJYn1mgenK6jTeTFjC6Mxg7P1o1Cctb03zzw0t6E1jHKb95dUVZTyupFkwPB"
    "0G7Ma/3l2to8z+ZTIasjkdUMT4rGqKBf4HNnitLG2M/mNpI4Wuwwtb21gaMl+Tx/6Tc9wW"
    "IQTCoYgQvF79atD+Gu/wnf7onrJMN62VQVuhDdzHxLGGm51k4b0Il0iiVEIshYtFp2/IJZ"
    "MQSTUEQp5XG4Hg+xp9x/wb4jDJ4W1xUZJ4U+ltccBQxYDkl0uylWTpA75jaVvI5muUMt7X"
    "XdLX3sUlbpPxD1RHaLN31/sMvk57g+5k2h48Rjo82VyRO9e0dB8rfRXfHfmNgC+96SdAvo"
    "J/4/1hfFz49ab/bpB3km1Ll5D+IslqSEnzSj2uRaRO1FCJS60MUZxuEFVcvSQK+/KJqV16"
    "en6Uux90A2or9CvcJ5SgGFNdvGXiNnNhzP3u9R6vNOiWhvziIxzhToV/O/7F0NmudtqTTv"
    "uh26AcXsjK04tsqFKE1eSOfq3HSvy6yVvb6228REbyijKH/AryzmGuM9AvTxrpgJcn9oMQ"
    "VzorGbCRwInOiBOtZaRuUuCMlF25T1EMiHFe9paMFdFPDuZ69WsIxF2/eZODu7hWKnvpvT"
    "isEoLgISKM4IdY2E2cEG7xSy4Wb8FrhqE/yxuJrBrHgqOJRk6Ikg7aw1m7z4uTOlQt4HzO"
    "UXs2HQ3a016nBfzLauCP7k+SdoamQIkozZIlr7hU/4wmBBRQOBSw1ZC2tbeSbqjQkOStbi"
    "OWDgsVbStv2AJLayIuLaeN125bOSTmrtBVWWcyRPPQ7fQG7f6rq9vmdWwS82R0m1hUlDVU"
    "nnQb93R5v4XIwn19q/EyP70Rwf4D7LcNAyKFy34ZpjnhqtGdjcuab6ILwk2O9eAmdTm4ib"
    "PYN+XzWUhCRGed8V2Flaij5mtvWfJfrzZLANItbakp7s50K2sbLlWCSX3U4KjYhBPTK+7y"
    "aG24VrpecZfU2wjz9pJim5a+xYsnZpkB/wMVNjifqV8cakqYdfOrGZiFBlwaOl5ObYNrNC"
    "Qp6zcS7nJp2HcZGvYdS8Pekh9nEPxS3ktr3TYYq0YqDpdGfjqU/fq2LOYXbKtyfT2cuVp6"
    "hoY/fXMjGlkNCVyDY8JZ6ETf1a2jZv4ksZjr87Pe29cpRG01uLQBBmn9ZvvrPLue9D1P6j"
    "xvEmWV317Ooi/Aal4xEVyIkdzjSaaVXPhGpI+0+vpG2Dv1SKlHKYXUqyJ1xmCnb5/w30h3"
    "N0gxqLkVkrset5EPv47xrj5lc5MVU3NhHSPN4SM6sEzI0ox4eEU8MGa4mbqyKNK5iJYCTZ"
    "ZH8LHda+y0WCfu/aAfUBg5kZfLJKsHMtpPdfI/p8tWW8XbvGP76FldPTK8tuhvk2LuUJFf"
    "apCOiNe+sAOc03N1g0qCBFDhcpkQSWQqcB2/fFG5FUI+Ydba0O3VOkbm+VgxPcZwuRT3Xo"
    "qMsBe4WOv6E2NQcUv6i9NU7eUc+p15pexymUvEHg2/fDOd+To6smTFesRrD2VTwqsvWqGZ"
    "5d6nOFWlXVD3cCwrcGqTWFEZqHBh6UYTvKx1sJX3YAHBSnuGiIaQArpCMqJUj2pCOBJWy5"
    "FwqRmmJfH6u0Wpauj1dpULk7/KwOSvkpj8Rj6C1REiwel8nOa2upZtaD2fc2wpdtYd5hFX"
    "L/YJ6gfoFu997LlE8E0TAU0NZ4n3OXj8PpXF7xO+SgJDrRmaJjDUv6LU0zDUqEGSaCZ8cY"
    "URmrJ8Hi5NjcgILHT4lWQwd2jhg9/QZfE3b2xhpGPxRhfGImUFcl0G9poJ27jdk4HXBB03"
    "HagJRkkegMbzPASKvt3JaM9CYJh1BMRSLYgF2dsFZEyOGT7APkXtYjVv8vi/3KQ7wNwkPG"
    "BErGa5sZrkU+LMSxemKYvPZ4w3zsXmtxlsfisgKwFZ1QmyepYtiX+di1LVrh8Xv9ZhrRcr"
    "xoxN/xR+S9mlhUjq0JGzgAk3Y2Z6MJePS/RHw49e9XiEV2zaOD7wWgRci4DrSxk7IuD6At"
    "kvjBg1g7OFEeOvKPVCHcFdZ7AfxIUT3mcX1hMuy625muvUaZH1wG2XAa5HfHrT8fXAHTcv"
    "xk7dq8EWEhU0fGyG2QIyMPQNJpKRGhQDzQJkdJGjNl7BZ2jsaXkT6AaupJuQ7uWh+jcWWF"
    "/uwwTqXy3U/8R4XsWYe4JUH6eE/Ss2Q58A9d/JpvmCFWJpLZtrLtg0TlhDht/d5erPdxn9"
    "+S7OcM2U8GSvPTM6dWa2ggidSFSQP1EBWXHZHftwykuP9oQ5y0Zfhl3erGUOUQvQjzkatI"
    "ftj+S7ezFH4+7nXvcLKfKu5mgye3wcjact4F6Q9JgPveloTJJj0ov43iaXm3fhqTHlzUYK"
    "In3yD5gInRgw+QfMdilLJlQMaEkQKcZ+Z7GS9qZbItLo67BAnNosQXjpJj0+AglKUouUH9"
    "UBf5KYH5EXjQPC6h7jAId7bZWqriVIa3PYzN+vr29u3l2/uXn7/u723bu79298FS55K0uX"
    "u+99JJNdRLriSJr646550HY6dDb6SkNHCD5BLGbZqs2yRyZbUXQCx2FRq6xcvDyI8WApj9"
    "3mOm76/Asb/bmwdh1BifRwydKfIOvoOh6ejRCc4rampKmLHTLZ/DKhabLP+ONy73daqSmP"
    "iEOAitdVYbo5ZUIatsbNnabk2DPELipHifcjEwlK/Kw+0QQloRQk8ewkiQw1BaShCZbAzE"
    "PH0qxy4eCh7MPHuGxyXkwLObqe7J2ApQO8fLi2L9myZGUNVa/UtXd7uUheEWQOdGaT6WjQ"
    "HTPNcIW3z7C8/e6fuUZ+ue8Nj1kd3HFbbvwRM9MFNbCg/xBGu1Ma7Txp8Rg8wjQ1jCm5us"
    "uVn+MuIz/HXcK6FBkVR/C67NiSuvFbWPNObM0TKTzKTuGxlffSAkrwm7KxVZYhItMIxKAW"
    "pqD8pqAjuX4mdvsll81v0/FTlE3WiQbpZjcWbR1m8VOb3LzOK5maq9nyYMFJagEGVw0MZk"
    "rbRhbLjy+ntH1qIe0qS3trm5akrPEGDErelpd3R5HShFjnONY5YWRNFUCNjazUf/FIucdp"
    "xTxb5XnWhxOcifIYgac0IeReZbkLN4q/jqy9dPRcBoookci4yDhDNbAN5uRpiOJ0Tn8V52"
    "jC3yfK4CR3uTNYHmvYrsYMdDCBZahTsdNXMqaCArhaQkByRRwHItyNToPH5wcV7lbC3UqE"
    "y1+2z1WmX07cbZThnsPwLE330iFhAhG3Vlr9oLcOnhqc43/Cse0/mcCCCHjNAeol2wL0KH"
    "cVEEMyVJtgpesqWOqG43uDF4OfNZR01ynjASJSvlpON0R83I4JEaLaRcwXn6BRIKvprK8v"
    "smqbx2WKMgWudm7x5sJaHM9frlUpTCJwloOoAGVXAQrsDx3AehnKa7hn8aquZe6VI/orY6"
    "Mc12/Td8lRtTrfFrmNgIaeNYsqOU28aTWhBTYaeiJpnAYf2kBZyxuy8EO8g8Vi2EByWmYT"
    "wG87jYilGd3XMjzaS3iA2CJXa4u8sw28dBydriREXmXHUsyIz71pe9obDVsguJ6jx/Zk8m"
    "U0fpDGXUzaAtHvc4R7uYQ3vv1+d/ix2wKRr/HxkssHu/BkJXTC4FZyolRCyxFajtBymL56"
    "eCWD5hFSj1LWUOoXIuVcyo5QZust33MosxU7PqQMn4FQzDCP40CITHA2j++AH+RcgANBTq"
    "CgWjzmciEIda/DfgTnAGEuk7dVxWA80zgrjUBgNc/IIhCqlCevN+4WUP1ZQ2Bh6C8mybdt"
    "AGWjQWS9BmQTTLNsU/XqJ5MCH0AzXRyEmbr7R9sTgEq1ABWhjwt9XOjjZSbNMyE82tk7RF"
    "tDyV+IpHOGSV4S9HKGHVstpOzsdKTU0ycz3HQSlHUIPS972aTKEd5Is04yzE6OE1DVj8+l"
    "JGoRoJMAnarM2Yq5plSLwcWhIswOLMC8osC884BO4fCCNjJf2GksGbWaWVBUJA5CDgjyeA"
    "I51UluSRkB+A0TAPpbmuBFs9ZABoq+23tnw9E7QKbnwL3gD9l8gmoLQFWzsOSAbiSBqqKf"
    "MEdUmORLUJ/kMjWAE35tAqR7z1xpz1B42FcR7eLMsljf5IrFb9Upd5i8PeyW5dGe8BQpL9"
    "UVj1cWoWkB8n+OBrP+tNfvDYmXlXc5R05+lxZwPueoO2j3+i1AP+bo8dOI1KcfczQb4zv4"
    "3xx9bk8ljzK4nqPOaDacjn9rAfcCl3wa9Tq4CefTfQvJKw1/I3W7nV/vR19JbedqjogS3Q"
    "Lkf3zKPI83GJYh5Dob0ieo4Zgs5fhCyjAGUvHLZDTMYDELoVA1xQL/o2etljYs/7G0kULY"
    "CBa2tsHrrfmaPPafnEO1CHCKcCiCSyVy58XT5DWjgBNpIJ47T6dvKPFLJUEohFO4cJ7ljc"
    "1Yw9IzSvoEtZiNsoDaMvJIUu5xDYKAohq9nzyvNr0f39e8KPWcakeYpDbHqRWG/7mpAfjQ"
    "vyiRiEs7CP4ZQbqEH4SojkvCUDFu54Wrov2sqmCVJ4YDaFVIWjnhqlCvOYhXpfM+88ATfQ"
    "eR5Jxln36yCe6Tlk3fk5xxEj4Vxf8eqSHgolPCRbwnoNT49JNSlFNndHAw2Ccoi8Pn8zm7"
    "vssDyeFaGUbdpNuZvt3JiAvzDJHU0HJeDsQijjgp94iTYA08Bl0OqE+ILz92hw+94UdeiH"
    "k2/Nwd9z70ug8tEFzPkdtcC7gXc9R+fByPPpN63tUcjbu/dDtTUuZdVQPmNe3FVrOO83+N"
    "09bQD7LGHrDe0aT8co9SioDFKrtFGvA/ULGOO5WHRVuHjcep0dSQusmxD4lS1YHvJ9hVP0"
    "NDW2qKgyQcF0CT0UQhQqh1MI04xPHEvsEqXFg6pxtrhEb4sCasA97+ZrHn5WuMTvBWHBEg"
    "fNkvirMHEigUYMsShy+wZtoCGFv/GIHEAhPhMH4LMJz1+3EWk8W+APY++A3VlLehTVEOvo"
    "oIjKIiMAL+plu1QxFF1JG/wEMdgniKmszIkW5K8IMfPVvFthb6twE0TdcqcllKWCqbyvSU"
    "iPKMldA3ztSMjL60qrQN1c2RXoYIHrwYBJ8nyXdpbIyJ3wH/djyEZMddTjZpuRMnQyJsLL"
    "jZmEBfNoEJkeWE0bCSzRTc+uFgnLC3BYLfLEnGj97uyCfLGYOUkPvkEaQslKrDd+Vw5yLh"
    "u3Fq3w23JzP1lXSEKEpVu8Q2paBDBt4w7jTOGP0IUQ0t4KUAz+HJJi+jwzQ15HPx6LJw5y"
    "jbnYMc7odX1ySD0z3/QyTVcP2vVeDLBfrX/GvWnbnuLRzuNQ5VCzifczTpDqctQP7P0Yd2"
    "r0/uOZ/x7eh5HGfc/SdDNOlJWUIkIiYjjmPHd/UJvmY7pTDIa+iPVCfXFJNm3eL3OgvIhO"
    "tRleVL0yRCw2Chz+lOR1GqOngBnNrdSCQ0TV+z6uvOudSNFbQkHW8DJZOp8d/r+gbKiC16"
    "FnmsAywwfVky90tOO/7uR6N+RL73vfgAowk/Xl1RweJKmmOzqIJjQ8WmueJjdJNBgbwBu6"
    "ktCG+Hw8G77JjMs0TyVovz+QN5U/sftwG0TGNV21Y1q/sMETOaN3S3mWWmkkk9CfoVD9qo"
    "vqx1oGoqeFnLFkkG97LWlDXQF8TpvIm/QZIpTgVLQ9+SbwZ8DYa4eQPYO7IFUZsA0a8OIx"
    "lnIpTxgFyWKmFcOp9xSVcU2zCO2v7GSOuX77vG21880+iG9IT5eixWGm2hyqaCRvth0Bu2"
    "AP2Yo85sMh0NSIY672qO2sPR8LfBaDbBtbzLOZr8Npl2By3gfFYER1W4/dfDJGLnnNw5O/"
    "zhTuAXI6sD9HICw6/j68LJZ7a/VQ1SJRRv83W2aw6POJgcI6tfZy6N01xTcYRGzMXJuVgc"
    "S3LaTixguMKD4Sy2C3G6R0iIRHiEZJt3cnqEJHC68wBFX+BiretPDQZK5N1qZkFEL6FKOV"
    "yYd7Jh4Q7ykwkgUnc6ZniTOhRTjMk9EIBcEBCHOiDjkUxdjvdANiDQlyzP5WIaFacHVAv1"
    "sQ0uVcetXmUl/1gd581tHpdAUi0jkdZtwjEw/HIJRqdb82NkddjBnNqc70xMPOtvQFGN5b"
    "dWuZjlzUaia0JSIpkG9gjdCS3r3ix/uYZ1qBiQnLcqbyBj6UyfexKEtZjuTz397Az4rOm2"
    "KR0th/QWxHLw4/KwkcXKK5Vt6UptRHhUVtmjkiDHzwwYNHvh8YnEqpN/1VE1k/x+9Yi0eQ"
    "xSMdHxT3RLWdvg95FMzbXW8kxwCWIxsVV5YhMuy6lirrHPhic73jxrCTqB26e4c+ZJqKLC"
    "jUZyXrLOe+JJE+IiwA9Oc/sLHGplZQqJWqcYbB7IaD/Vyf+cXrTH5hA7Kwac4TZLf5YUMy"
    "l4P9IgXQ8Pd++2a0Vw+KgbVATkONhWxJbnS8e95VK5d621odurdfiGfzgMK2sZLpcSzP6e"
    "x1jij4d0o0l4yBw0nkhquPZBK8oIuaYNoCOgWSZ4kffEF1bH5W6LTYBVQDz+VUDVQOA+AH"
    "/X3QOTgb1LmlIKbbmABDBRAXtJYKKl4sSe85lo/rKR7A/dfu9zd0yK/EsR0y5i2hsHlRsR"
    "014hjSZ/zLMzV2E5qgzcInUksUiFYpMcUyKsXISVV2wGqzFG42/ZjzonKEorMNgqL11ZWR"
    "lTF63MpIwiP38jATzk5GuUSPD1cLx6yLc0ymPuEPWQK+uFsThvYHq0dx1O0x9KPVwMb/Mn"
    "k75UFkcnxiod4h0TQTosmSs5tdeVuLJTB9ChTD2uNZMmhG4FaaQ1lTpgL3R1T+BFEoa/B6"
    "4mTEBGp8B9eBY2WdwDhMt3tfBEkUX6JAFVfkKPY1Bbn7jKrpeNcfdjbzIdt6e90VCazO4H"
    "val7Ui+rnJzlGyoPDgVmFsdqB0cDM4tjtcOHBjOKY7Ufuv1usrJbOkeTT6NHaTbpjqXOuN"
    "umFRNF4VrtzrT3OV7PLwzX7H7t9GcP0YpeWbgefsaDx1tWKYHK76ej0AtGv/v3Z48Pkfvu"
    "d+/+RBp0xx+D+973Y0D2m+scA+rmOnVAkVsiQrFUBYus4TxQoFe/ynOSQAEvTxQ1QwGFM1"
    "ElnYmyM7lh1ivrBiuLm3MnU5eTgzqHVLh0Ngg1qVpqEh4+JmeCmhBJLdbIExy0QwYVB4fd"
    "6jXk7tWbN3m8Ut68SXdLIfcYp5KwtNADp5Iwdc8TBMGeZ79Xj2wT3/8P1TQBrg=="
)
