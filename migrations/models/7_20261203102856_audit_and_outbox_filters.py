from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# The filters of auditEvents and outboxMessages, each read newest first through an index of its
# own. The single-column index on audit_event.action goes: ("action", "id") serves what it did.
# Building them holds writes to audit_event and outbox_message on PostgreSQL while it runs.
# The same SQL serves both engines.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_audit_event_action_3fd1cc";
        CREATE INDEX IF NOT EXISTS "idx_audit_event_action_ed6e8c" ON "audit_event" ("action", "id");
        CREATE INDEX IF NOT EXISTS "idx_audit_event_actor_k_77775f" ON "audit_event" ("actor_kind", "id");
        CREATE INDEX IF NOT EXISTS "idx_audit_event_actor_k_416845"
            ON "audit_event" ("actor_kind", "actor_id", "id");
        CREATE INDEX IF NOT EXISTS "idx_audit_event_object__c0e009" ON "audit_event" ("object_type", "id");
        CREATE INDEX IF NOT EXISTS "idx_audit_event_object__8fdff5"
            ON "audit_event" ("object_type", "object_id", "id");
        CREATE INDEX IF NOT EXISTS "idx_outbox_mess_recipie_1c11ec" ON "outbox_message" ("recipient", "id");
        CREATE INDEX IF NOT EXISTS "idx_outbox_mess_templat_0353dd" ON "outbox_message" ("template", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_outbox_mess_templat_0353dd";
        DROP INDEX IF EXISTS "idx_outbox_mess_recipie_1c11ec";
        DROP INDEX IF EXISTS "idx_audit_event_object__8fdff5";
        DROP INDEX IF EXISTS "idx_audit_event_object__c0e009";
        DROP INDEX IF EXISTS "idx_audit_event_actor_k_416845";
        DROP INDEX IF EXISTS "idx_audit_event_actor_k_77775f";
        DROP INDEX IF EXISTS "idx_audit_event_action_ed6e8c";
        CREATE INDEX IF NOT EXISTS "idx_audit_event_action_3fd1cc" ON "audit_event" ("action");"""


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
    "jZmEBfNoEJkeWE0bCSzRTc+uFgnLC3BYLfLEnGj97uyCfLGYOUGHi13GluqLFXSIjIc9PK"
    "Qjk9fJ8Pd9ISTh6ndvJwuzxTsUmHkqJUtcuAUwqMFBkreRkdIaqhqbwUhDo82eRldJimhn"
    "wuHoYWfh9l+32QUwDxMpxkcHqIQIikGjECtYqQuUBHnH/NujPXD4bDD8ehagHnc44m3eG0"
    "Bcj/OfrQ7vXJPeczvm89j4eNu1FliCY9e0uIRARvxAHv+PY/wdds7xUGeQ0dl+rkw2LS9F"
    "z87mkBmfBRqrJ8aT5FaBgsmDrdOylKVQd3gVP7JYnMp+lrVn39Ppe6sYKWpONtoGQyNf57"
    "Xd9AGbFFzyKPdYAFpi9L5n7Jacff/WjUj8j3vhcfYDQzyKsrKlhcSXOMG1XwgKjYNFd8MG"
    "8yepA3sje1BeEWcTjKlx28eZaQ32pxPn/Eb2r/47aUlmnVatuqZnWfIWKG/YbuNrPsWTKp"
    "J0G/4kFj1pe1DlRNBS9r2SJZ417WmrIG+oJ4pzfxN0hSyqlgaehb8s2Ar8EQN28Ae0e2IG"
    "oTIPrVYSTj8IQyHpDLpBU1LhF7k2M6i5XohvSECdNLnW/RlpzXd4ZVerH7VVi4zmPh0hXF"
    "Noyj9uAx0vplJ6/xHjw6eo8BbKMtVNle0Wg/DHrDFqAfc9SZTaajAcmn513NUXs4Gv42GM"
    "0muJZ3OUeT3ybT7qAFnM+KgLkKt7d9mERs35Pbd4c/3OkGY2R1wH9OYH0OthccfGZ7h1Vq"
    "kqmM5Tm2vcod7Bclq19vLo3TXHNxhEZMxsnJWJyictpOLMDAwmP3LLbHc7pfSohE+KVkG5"
    "ly+qUk0MLzwFVf4GKt608NBlbl3WpmAVUvoUo5PK53smHhDvKTCSBSdzpmeJP6P1Okyz2/"
    "gFwQKIn6S+ORTD2k90A2INCXLEfrYhoVhx1UC/axDS5dx61eww349ZvbPI6JpFpG3q/bhH"
    "ti+OUSjE73KYiR1WEHc2qnAmdi4ll/A4pqLL+1Sh0tbzYSXROSEsk080foTmjf92b5yzXv"
    "Q8WA5HhYeQMZS2f63JMgrMV0f+rpZ2fAZ023TeloOaS3IJaDH5eHjSxWGqxsU1dqI8Kvs8"
    "p+nQQ6fmbAoNkLj08kVp38q46qmeT3q0dk+WOQiomOf6JbytoGv49kaq65lmeCSxCLia3K"
    "E5twnE4Vc42dNjzZ8aaFS9AJ3D7FqTRP/hcVbjSSopN1PBVPVhMXAX5wmttf4FArK7FJ1D"
    "rFYPNARvupTv7n9OU9NuXZWTHgDOdd+rOkmEnB+5EG6Xp4uHu3XSuCw0fdoCIgp9e2IrY8"
    "XzruLZfKvWutDd1ercM3/LNsWEnWcLmUYPb3PMYSfzykG03CQ+ag8URSw7UPWlFGyDVtAB"
    "0BzTLBi7wnHrk6LndbbAKsAuLxrwKqBgL3Afi77p7vDOxd0pRSaMsF5KuJCtjzzo2WigOG"
    "zmei+cvG0z90+73P3TEp8i9FZL2IrG8cVG5EZH2FNJr8kdfOXIXlqDJwi9SRxCIVik1yTI"
    "ngdhHcXrEZrMYYjb9lP+pYoyitwGCrvHRl5YZMXbQyU0OK4wQaCeAhJ1+jRIKvh6PmQ76l"
    "UR5zB8qHXFkvjMV5w+OjvevwqQKhTMnF8DZ/7utLZXF0YqzSmeMxEaTDkrlyaXtdiSuZdg"
    "AdytTjWjNp/upWkPVaU6kD9kJX9wReJMkA9sDVhAnI6BS4D8/CJot7gHD5rhaeKHJZnySg"
    "yk8rcgxq6xNX2fWyMe5+7E2m4/a0NxpKk9n9oDd1DxZmlZOjh0PlwRnGzOJY7eAkY2ZxrH"
    "b4jGNGcaz2Q7ffTVZ2S+do8mn0KM0m3bHUGXfbtGKiKFyr3Zn2Psfr+YXhmt2vnf7sIVrR"
    "KwvXw8948HjLKiVQ+f10FHrB6Hf//uzxIXLf/e7dn0iD7vhjcN/7fgzIfnOdY0DdXKcOKH"
    "JLRCiWqmCRNZwHCvTqV3lOEijg5YmiZiigcCaqpDNRpm7XxqxX1g1WLjnnTqYuJwd1Dqlw"
    "6WwQalK11CQ8fEzODDUhklqskSc47ocMKg4Ou9VryN2rN2/yeKW8eZPulkLuMc5GYWmhB8"
    "5GYeqeJwiCPc9+rx7ZJr7/H+raN40="
)
