from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both engines: the SQL differs per dialect, the models state does not.
UPGRADE = {
    "sqlite": """
        CREATE TABLE "shop" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "handle" VARCHAR(64) NOT NULL UNIQUE,
            "name" VARCHAR(200) NOT NULL,
            "registration_enabled" INT NOT NULL,
            "approval_mode" VARCHAR(16) NOT NULL /* MANUAL: MANUAL\nAUTOMATIC: AUTOMATIC */,
            "default_price_list_tags" JSON NOT NULL,
            "minimum_order_amount" VARCHAR(40),
            "checkout_payment_limit" VARCHAR(40),
            "currency" VARCHAR(3) NOT NULL,
            "languages" JSON NOT NULL,
            "notification_email" VARCHAR(254),
            "notify_customer_on_rejection" INT NOT NULL,
            "storefront_url" VARCHAR(500),
            "reminder_delay_hours" INT NOT NULL,
            "reminder_sent_at" TIMESTAMP,
            "created_at" TIMESTAMP NOT NULL,
            "updated_at" TIMESTAMP NOT NULL
        );
        CREATE TABLE "registration_field" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "key" VARCHAR(64) NOT NULL,
            "label" VARCHAR(200) NOT NULL,
            "position" INT NOT NULL,
            "created_at" TIMESTAMP NOT NULL,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_registratio_shop_id_06aaba" UNIQUE ("shop_id", "key")
        ) /* An extra question on a shop's registration form; every field is required. */;
        CREATE TABLE "debtor" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "number" VARCHAR(32) NOT NULL UNIQUE,
            "name" VARCHAR(200) NOT NULL,
            "email" VARCHAR(254),
            "phone" VARCHAR(64),
            "vat_number" VARCHAR(32),
            "address" TEXT,
            "price_list_tags" JSON NOT NULL,
            "minimum_order_amount" VARCHAR(40),
            "checkout_payment_limit" VARCHAR(40),
            "created_at" TIMESTAMP NOT NULL,
            "updated_at" TIMESTAMP NOT NULL
        ) /* A customer company. */;
        CREATE INDEX "idx_debtor_name_87733a" ON "debtor" ("name");
        CREATE INDEX "idx_debtor_email_50861e" ON "debtor" ("email");
        CREATE INDEX "idx_debtor_vat_num_235124" ON "debtor" ("vat_number");
        CREATE TABLE "contact_person" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "first_name" VARCHAR(100) NOT NULL,
            "last_name" VARCHAR(100) NOT NULL,
            "email" VARCHAR(254),
            "phone" VARCHAR(64),
            "language" VARCHAR(8) NOT NULL,
            "created_at" TIMESTAMP NOT NULL,
            "updated_at" TIMESTAMP NOT NULL,
            "debtor_id" INT NOT NULL REFERENCES "debtor" ("id") ON DELETE CASCADE
        ) /* A person of a debtor, who may be given shop users. */;
        CREATE INDEX "idx_contact_per_email_4b8a1c" ON "contact_person" ("email");
        CREATE TABLE "admin_user" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "email" VARCHAR(254) NOT NULL UNIQUE,
            "name" VARCHAR(200),
            "password_hash" VARCHAR(255) NOT NULL,
            "is_active" INT NOT NULL,
            "created_at" TIMESTAMP NOT NULL,
            "last_login_at" TIMESTAMP
        ) /* Staff of the shops (role ADMIN). */;
        CREATE TABLE "shop_user" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "username" VARCHAR(150) NOT NULL,
            "username_key" VARCHAR(150) NOT NULL,
            "password_hash" VARCHAR(255),
            "language" VARCHAR(8) NOT NULL,
            "may_be_excluded" INT NOT NULL,
            "excluded" INT NOT NULL,
            "exclusion_reason" TEXT,
            "excluded_since" TIMESTAMP,
            "excluded_until" TIMESTAMP,
            "must_change_password" INT NOT NULL,
            "created_at" TIMESTAMP NOT NULL,
            "activated_at" TIMESTAMP,
            "password_changed_at" TIMESTAMP,
            "last_login_at" TIMESTAMP,
            "contact_id" INT NOT NULL REFERENCES "contact_person" ("id") ON DELETE CASCADE,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_shop_user_shop_id_41d6a3" UNIQUE ("shop_id", "username_key"),
            CONSTRAINT "uid_shop_user_shop_id_78e81f" UNIQUE ("shop_id", "contact_id")
        ) /* A customer's login to one shop, attached to one contact person (role CUSTOMER). */;
        CREATE TABLE "one_time_token" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "purpose" VARCHAR(16) NOT NULL /* INVITATION: INVITATION\nPASSWORD_RESET: PASSWORD_RESET */,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "created_at" TIMESTAMP NOT NULL,
            "expires_at" TIMESTAMP NOT NULL,
            "used_at" TIMESTAMP,
            "shop_user_id" INT NOT NULL REFERENCES "shop_user" ("id") ON DELETE CASCADE
        ) /* An invitation or password-reset link: single use, expiring, stored hashed. */;
        CREATE TABLE "session" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "created_at" TIMESTAMP NOT NULL,
            "expires_at" TIMESTAMP NOT NULL,
            "client_address" VARCHAR(64),
            "admin_id" INT REFERENCES "admin_user" ("id") ON DELETE CASCADE,
            "shop_user_id" INT REFERENCES "shop_user" ("id") ON DELETE CASCADE
        ) /* A signed-in browser or client. Only the token's hash is stored. */;
        CREATE INDEX "idx_session_expires_823c67" ON "session" ("expires_at");
        CREATE TABLE "registration_request" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "name" VARCHAR(200) NOT NULL,
            "email" VARCHAR(254) NOT NULL,
            "company" VARCHAR(200),
            "language" VARCHAR(8) NOT NULL,
            "status" VARCHAR(16) NOT NULL /* PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED */,
            "submitted_at" TIMESTAMP NOT NULL,
            "decided_at" TIMESTAMP,
            "rejection_reason" TEXT,
            "debtor_id" INT REFERENCES "debtor" ("id") ON DELETE SET NULL,
            "decided_by_id" INT REFERENCES "admin_user" ("id") ON DELETE SET NULL,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            "shop_user_id" INT REFERENCES "shop_user" ("id") ON DELETE SET NULL
        );
        CREATE INDEX "idx_registratio_email_2530f7" ON "registration_request" ("email");
        CREATE INDEX "idx_registratio_shop_id_0d2f45" ON "registration_request" ("shop_id", "status");
        CREATE TABLE "registration_answer" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "key" VARCHAR(64) NOT NULL,
            "label" VARCHAR(200) NOT NULL,
            "value" TEXT NOT NULL,
            "position" INT NOT NULL,
            "request_id" INT NOT NULL REFERENCES "registration_request" ("id") ON DELETE CASCADE
        ) /* An answer to an extra field, with a copy of the label as it was asked. */;
        CREATE TABLE "outbox_message" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "message_id" VARCHAR(255) NOT NULL UNIQUE,
            "recipient" VARCHAR(254) NOT NULL,
            "template" VARCHAR(64) NOT NULL,
            "language" VARCHAR(8) NOT NULL,
            "context" JSON NOT NULL,
            "status" VARCHAR(16) NOT NULL /* QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED */,
            "attempts" INT NOT NULL,
            "next_attempt_at" TIMESTAMP NOT NULL,
            "sent_at" TIMESTAMP,
            "last_error" TEXT,
            "created_at" TIMESTAMP NOT NULL
        ) /* A mail written in the same transaction as the change it tells of, sent later. */;
        CREATE INDEX "idx_outbox_mess_status_4d04e0" ON "outbox_message" ("status", "next_attempt_at");
        CREATE TABLE "audit_event" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "occurred_at" TIMESTAMP NOT NULL,
            "actor_kind" VARCHAR(16) NOT NULL /* ADMIN: ADMIN\nCUSTOMER: CUSTOMER\nANONYMOUS: ANONYMOUS\nSYSTEM: SYSTEM */,
            "actor_id" INT,
            "actor_label" VARCHAR(254),
            "action" VARCHAR(64) NOT NULL,
            "object_type" VARCHAR(64),
            "object_id" INT,
            "client_address" VARCHAR(64),
            "details" JSON NOT NULL
        ) /* Who did what to which object, when and from where. Never updated, never deleted. */;
        CREATE INDEX "idx_audit_event_occurre_eb4795" ON "audit_event" ("occurred_at");
        CREATE INDEX "idx_audit_event_action_3fd1cc" ON "audit_event" ("action");
        CREATE TABLE "aerich" (
            "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
            "version" VARCHAR(255) NOT NULL,
            "app" VARCHAR(100) NOT NULL,
            "content" JSON NOT NULL
        );
""",
    "postgres": """
        CREATE TABLE "shop" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "handle" VARCHAR(64) NOT NULL UNIQUE,
            "name" VARCHAR(200) NOT NULL,
            "registration_enabled" BOOL NOT NULL,
            "approval_mode" VARCHAR(16) NOT NULL,
            "default_price_list_tags" JSONB NOT NULL,
            "minimum_order_amount" DECIMAL(14,2),
            "checkout_payment_limit" DECIMAL(14,2),
            "currency" VARCHAR(3) NOT NULL,
            "languages" JSONB NOT NULL,
            "notification_email" VARCHAR(254),
            "notify_customer_on_rejection" BOOL NOT NULL,
            "storefront_url" VARCHAR(500),
            "reminder_delay_hours" INT NOT NULL,
            "reminder_sent_at" TIMESTAMPTZ,
            "created_at" TIMESTAMPTZ NOT NULL,
            "updated_at" TIMESTAMPTZ NOT NULL
        );
        COMMENT ON COLUMN "shop"."approval_mode" IS 'MANUAL: MANUAL\nAUTOMATIC: AUTOMATIC';
        CREATE TABLE "registration_field" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "key" VARCHAR(64) NOT NULL,
            "label" VARCHAR(200) NOT NULL,
            "position" INT NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_registratio_shop_id_06aaba" UNIQUE ("shop_id", "key")
        );
        COMMENT ON TABLE "registration_field" IS 'An extra question on a shop''s registration form; every field is required.';
        CREATE TABLE "debtor" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "number" VARCHAR(32) NOT NULL UNIQUE,
            "name" VARCHAR(200) NOT NULL,
            "email" VARCHAR(254),
            "phone" VARCHAR(64),
            "vat_number" VARCHAR(32),
            "address" TEXT,
            "price_list_tags" JSONB NOT NULL,
            "minimum_order_amount" DECIMAL(14,2),
            "checkout_payment_limit" DECIMAL(14,2),
            "created_at" TIMESTAMPTZ NOT NULL,
            "updated_at" TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX "idx_debtor_name_87733a" ON "debtor" ("name");
        CREATE INDEX "idx_debtor_email_50861e" ON "debtor" ("email");
        CREATE INDEX "idx_debtor_vat_num_235124" ON "debtor" ("vat_number");
        COMMENT ON TABLE "debtor" IS 'A customer company.';
        CREATE TABLE "contact_person" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "first_name" VARCHAR(100) NOT NULL,
            "last_name" VARCHAR(100) NOT NULL,
            "email" VARCHAR(254),
            "phone" VARCHAR(64),
            "language" VARCHAR(8) NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL,
            "updated_at" TIMESTAMPTZ NOT NULL,
            "debtor_id" INT NOT NULL REFERENCES "debtor" ("id") ON DELETE CASCADE
        );
        CREATE INDEX "idx_contact_per_email_4b8a1c" ON "contact_person" ("email");
        COMMENT ON TABLE "contact_person" IS 'A person of a debtor, who may be given shop users.';
        CREATE TABLE "admin_user" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "email" VARCHAR(254) NOT NULL UNIQUE,
            "name" VARCHAR(200),
            "password_hash" VARCHAR(255) NOT NULL,
            "is_active" BOOL NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL,
            "last_login_at" TIMESTAMPTZ
        );
        COMMENT ON TABLE "admin_user" IS 'Staff of the shops (role ADMIN).';
        CREATE TABLE "shop_user" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "username" VARCHAR(150) NOT NULL,
            "username_key" VARCHAR(150) NOT NULL,
            "password_hash" VARCHAR(255),
            "language" VARCHAR(8) NOT NULL,
            "may_be_excluded" BOOL NOT NULL,
            "excluded" BOOL NOT NULL,
            "exclusion_reason" TEXT,
            "excluded_since" TIMESTAMPTZ,
            "excluded_until" TIMESTAMPTZ,
            "must_change_password" BOOL NOT NULL,
            "created_at" TIMESTAMPTZ NOT NULL,
            "activated_at" TIMESTAMPTZ,
            "password_changed_at" TIMESTAMPTZ,
            "last_login_at" TIMESTAMPTZ,
            "contact_id" INT NOT NULL REFERENCES "contact_person" ("id") ON DELETE CASCADE,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            CONSTRAINT "uid_shop_user_shop_id_41d6a3" UNIQUE ("shop_id", "username_key"),
            CONSTRAINT "uid_shop_user_shop_id_78e81f" UNIQUE ("shop_id", "contact_id")
        );
        COMMENT ON TABLE "shop_user" IS 'A customer''s login to one shop, attached to one contact person (role CUSTOMER).';
        CREATE TABLE "one_time_token" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "purpose" VARCHAR(16) NOT NULL,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "created_at" TIMESTAMPTZ NOT NULL,
            "expires_at" TIMESTAMPTZ NOT NULL,
            "used_at" TIMESTAMPTZ,
            "shop_user_id" INT NOT NULL REFERENCES "shop_user" ("id") ON DELETE CASCADE
        );
        COMMENT ON COLUMN "one_time_token"."purpose" IS 'INVITATION: INVITATION\nPASSWORD_RESET: PASSWORD_RESET';
        COMMENT ON TABLE "one_time_token" IS 'An invitation or password-reset link: single use, expiring, stored hashed.';
        CREATE TABLE "session" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "token_hash" VARCHAR(64) NOT NULL UNIQUE,
            "created_at" TIMESTAMPTZ NOT NULL,
            "expires_at" TIMESTAMPTZ NOT NULL,
            "client_address" VARCHAR(64),
            "admin_id" INT REFERENCES "admin_user" ("id") ON DELETE CASCADE,
            "shop_user_id" INT REFERENCES "shop_user" ("id") ON DELETE CASCADE
        );
        CREATE INDEX "idx_session_expires_823c67" ON "session" ("expires_at");
        COMMENT ON TABLE "session" IS 'A signed-in browser or client. Only the token''s hash is stored.';
        CREATE TABLE "registration_request" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "name" VARCHAR(200) NOT NULL,
            "email" VARCHAR(254) NOT NULL,
            "company" VARCHAR(200),
            "language" VARCHAR(8) NOT NULL,
            "status" VARCHAR(16) NOT NULL,
            "submitted_at" TIMESTAMPTZ NOT NULL,
            "decided_at" TIMESTAMPTZ,
            "rejection_reason" TEXT,
            "debtor_id" INT REFERENCES "debtor" ("id") ON DELETE SET NULL,
            "decided_by_id" INT REFERENCES "admin_user" ("id") ON DELETE SET NULL,
            "shop_id" INT NOT NULL REFERENCES "shop" ("id") ON DELETE CASCADE,
            "shop_user_id" INT REFERENCES "shop_user" ("id") ON DELETE SET NULL
        );
        CREATE INDEX "idx_registratio_email_2530f7" ON "registration_request" ("email");
        CREATE INDEX "idx_registratio_shop_id_0d2f45" ON "registration_request" ("shop_id", "status");
        COMMENT ON COLUMN "registration_request"."status" IS 'PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED';
        CREATE TABLE "registration_answer" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "key" VARCHAR(64) NOT NULL,
            "label" VARCHAR(200) NOT NULL,
            "value" TEXT NOT NULL,
            "position" INT NOT NULL,
            "request_id" INT NOT NULL REFERENCES "registration_request" ("id") ON DELETE CASCADE
        );
        COMMENT ON TABLE "registration_answer" IS 'An answer to an extra field, with a copy of the label as it was asked.';
        CREATE TABLE "outbox_message" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "message_id" VARCHAR(255) NOT NULL UNIQUE,
            "recipient" VARCHAR(254) NOT NULL,
            "template" VARCHAR(64) NOT NULL,
            "language" VARCHAR(8) NOT NULL,
            "context" JSONB NOT NULL,
            "status" VARCHAR(16) NOT NULL,
            "attempts" INT NOT NULL,
            "next_attempt_at" TIMESTAMPTZ NOT NULL,
            "sent_at" TIMESTAMPTZ,
            "last_error" TEXT,
            "created_at" TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX "idx_outbox_mess_status_4d04e0" ON "outbox_message" ("status", "next_attempt_at");
        COMMENT ON COLUMN "outbox_message"."status" IS 'QUEUED: QUEUED\nSENT: SENT\nFAILED: FAILED';
        COMMENT ON TABLE "outbox_message" IS 'A mail written in the same transaction as the change it tells of, sent later.';
        CREATE TABLE "audit_event" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "occurred_at" TIMESTAMPTZ NOT NULL,
            "actor_kind" VARCHAR(16) NOT NULL,
            "actor_id" INT,
            "actor_label" VARCHAR(254),
            "action" VARCHAR(64) NOT NULL,
            "object_type" VARCHAR(64),
            "object_id" INT,
            "client_address" VARCHAR(64),
            "details" JSONB NOT NULL
        );
        CREATE INDEX "idx_audit_event_occurre_eb4795" ON "audit_event" ("occurred_at");
        CREATE INDEX "idx_audit_event_action_3fd1cc" ON "audit_event" ("action");
        COMMENT ON COLUMN "audit_event"."actor_kind" IS 'ADMIN: ADMIN\nCUSTOMER: CUSTOMER\nANONYMOUS: ANONYMOUS\nSYSTEM: SYSTEM';
        COMMENT ON TABLE "audit_event" IS 'Who did what to which object, when and from where. Never updated, never deleted.';
        CREATE TABLE "aerich" (
            "id" SERIAL NOT NULL PRIMARY KEY,
            "version" VARCHAR(255) NOT NULL,
            "app" VARCHAR(100) NOT NULL,
            "content" JSONB NOT NULL
        );
""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""


MODELS_STATE = (
    "eJztXXtv27YW/yqE/1kHeEGTJl2ROwxwE3fLFtu9trNnBoGW6Fg3EuXpkcTY+t0vSb0lSh"
    "ZdS5ZVAkXtUDy09Dt8nLf+6ZmWhgznZIoedMe1oatb+IOODK13Cf7pYWgi8qW4Ux/04Hod"
    "d6ENLlwYjMpOdFeWUf8FbVNd0mMJDQeRJg05qq2vaT9KN8AAvZA+4G8PObQRkH8QOCtr/Z"
    "UDkqOCpWWb/wHoCdkbwH4B6LTH355uI+2E/pxmqaS3jh/2PrKHdTKM4loPyF0hm4z/5589"
    "OhS9+Ig2vb/+Il90rKEX5NCr9M/1Y4BEEl6dAcPaFXezZm032I0g1haKahmeiePO6427Iq"
    "iGvXXs0tYHhBG5f0SHd22PYos9wwgYEsLt33jcxb/FBI2GltAzKIcotX8DcVtPUcaTuTIb"
    "zhWll+NeSJGAPWhSLUzRJbfqsKd/oLfwzdnp+bfn7968PX9HurDbjFq+/eT/dAyMT8jgGc"
    "97n9h16EK/B8M4BpVyIIfq1QrafFiD7hlcyQ1ncQ1RLAM2bIiRjad6E9Ca8EUxEH5wV+TP"
    "t+clOP4ymF79OJi+env+Nf1Bi6xMf/GOgytn7BKFOoaWPDcyRMCNCDoI79nr1xXwJb0KAW"
    "bX0givLUdnt1V9X0iSbN8d9gXz61bvDjGgqo3okyvQzUN6Ta64uon4uKYpM8hqAelJ+OUY"
    "pzN5QG2CjU1wAJTgOr8ZDWfzwegj/TnTcf42GH6D+ZBeOWOtm0zrq7eZiR8NAn69mf8I6J"
    "/gj8l4yOC1HPfBZr8Y95v/0aP3BD3XUrD1rEAtcVaFrSFqKa7T01gROl0TFM0topafslRu"
    "WT5yD9lQ3Emj+8Gykf6Af0YbBvINuSOIVcQBNRAsZ8EwRwbup3D2hK3xtLThcyToJScVeX"
    "byxMj1D8zB7GpwPewxhBdQfXyGtqakoKZXrDMr0xL1zV8yz8xsC8TwgYFDn4LecxJ1jpgf"
    "cqNYsg/ZvlWWL4aSIz1LcfmA4vIKYs1AIkJdTLEfqe6w8NYsMrNPAXDD/lJgriYwp2wNCF"
    "MgOLvEe8syEMR8yIuGyLBgQcaoiwdRS32HFQ/z95PJbUqie38zz2B/N3o/nL46ZSwhnXT/"
    "AMvL2eTMsK0naCj01OBP+CH2zJxckOJEbpDmVkFvNBjfDW57YkwIqC6B/3mPB3fzyWgwv7"
    "m6BNHXrDWqylo5fVthqZxmJex4pdBLaQYFj6SsbV1FikFmvOLCByfPqp9mkzF/oZQMkVWP"
    "dNUF/wLapTaGfbf0sMpMdgtPN1wdOyf0974XZOE+1hGFLLWOQka8Gg1+y/Lo6nbyPqvy0A"
    "HeZxhm6lg3PVOxbA3ZCjQtD/N0WKTqJjT4DCsaIsstf4yTYKwKHAtO6LacMyWsuR5e3YwG"
    "t69Oz/tnmU0s5NF57lBRV0h9tDwy0+HGRNglc93URcEvHkTCvwV+z7YRVoXMuEmaBk+N4d"
    "20rv0mfSC8qXAevCk8Dt7kLbn4wSPaodD+nyI66I4fKKxUHXVOwmMpur3OHAHYcvWlrgaS"
    "qQl1IeM7n3qnxdGyDSejV1xU0dpIr2K94iKvt1HwNorqOa5lksOTQGaj/yGVb5wv1S+2Dd"
    "WgnhFq1kerZhAIbbS0LXKcerbQashTdm8lXFTSsC9KNOwLnoZt0oezqf0SbpSV5dmcU6PQ"
    "DldE3pyV/ey8LvD37KuKoHKouCjuseLR78Fv1bIpfyRuqhCTUj+V9E4WL67ueie9tbYj19"
    "OUkutt4TpnsbO7z3lQix1+BSbtoENe4gwG+fDzlJyrBaJkWfjekU2MIpdremE5iCebiGBF"
    "faB3ZJiuQpSaXDSsETnuHqfX1B+xS+jV6Ym/IuoIVN2PZNqyu8255NMd+mW+edXvqqzjvt"
    "sjboHfG1hLAIGGFkRJ6oPnlQVMuAELBB70J4RZnCxgi4sTWrvTEDIKoF1RAEvddlxF1Fmd"
    "puqgy/q0kkJ9WqJQn+YVagPuAHWKSCJdDWlhk2ndVtLDRbbUYiRdE4yEZnFE0D3bWx3R9r"
    "4/Q2ybiGk6uEu8q4Dxu0KI3+UcjdL80jFFXJpfvkSuF5lf0vFPVDMRSwpI0ci0gO1pAT5g"
    "eYSFEwOuo4GODOCqqQGpqSWaHJBJdJFmr8YNN8H85Fhs4plbbKqJl0kVE00YOABUy1xDvO"
    "HZYLh9pJGlXUYW7JkLxNkdS0J4IorOpVq8OasS0XZWHNJ21vZUiwMq+3VkWkhjijSmHK8x"
    "5Qm6ivj+m6bq3Dze/x5M9DGisnGE0Tl6KZAeEiRdmMhlKvPwt3lKW87FCEca8+1k/EPYPR"
    "s4nNk2ds/nkXk8Mo/nWNaOzOM5Qvileb1jhlZpXv8Sub7X6MYgTOkz7ZW5uKgjmwnHFavX"
    "znOqWYvvQCNSGDORc4y+8cV+md0X0m7MXF/N9jtz4XJJA+vcFWIRdA54ZVsGAoPr0c3467"
    "whuAqBtAq3yyrcsF2tZeA2kMnZpFm4ZTtlExUroeM8E8VUWUFnJWS+zBJ2MF7p7OKi0oS+"
    "KJnQF1nEdUchp4b+xJnVpXnIKTqZdFw96VjqscXT/Tg1mip6LIu4NqwHIrGJMz5HLPNw26"
    "O8+rzeSXt1kOMQnD432sYf5Wh5Xq62UjuoRjY9qbEeVmONYroKSr1u11ej6LJq6mochvSV"
    "A9jmB1wLWNhXRfsAui5UV0gLWwNTUJhA5muqV3ez+WQ0nHK02xrGL32XA31yipvCXurQB/"
    "GVYGT5poeDas4hf0S0jiRNBxWO04tKaVQXJWlUFzkVL7UOdsBa6e47NmrB+8AqdcvOzgY0"
    "aplpVXemlQk3ygIp6EU1PE24QjOHWtovqtsvdkT9QHBHLceNt+M77aDDqxdYHA3Ho+3CLt"
    "50WFw4eRVHDxKNRMw3eWppv2mb/YbLbQ+7PGdaRW5H1JLbbea26Tmuoq6IAIaUUOQVlSgK"
    "hpDnnPSLSL9I6epjPsQd+Z6llftsm/fZyJzgb5S7MLxgCMn3NvNdej6/HF6HVQOFHBRpIl"
    "kYg1eoXr6BVL6BtHmHcl/0DaScvWAPqHY1PD8Lb3oj3L2Mi4WRQs9CxbUe0edGl0wwmpOx"
    "5nSoDmGf3l5lHI5MHzmmYJzUouQE5GQXbXFQTnqvYH23R+ZgoOMn3WWMA5YNQr3sGyJKIh"
    "cYOn68BA5BzUC0SnMfoJe1TlHsA/biHA1QlzLSOEE5ex1aJqe0K8Rm7dlE49j5ha4J8jb7"
    "yAkQv9zMB/ObyfgSxN/v8cfBbPbrZHqtTIeE9BKk/86uhUoBI3t/sSvbBoRDRdJUncsk2n"
    "8BGWnsLoa+u8ZudlYhZweupyk7yPUj4XIlKxiRS3YqWOBIi/ZR8DcKZN/BJJcgk3a5ana5"
    "KGdgD8a5jlWl7fMMdIkpJmpDqjWBJDCP8PJHYstJSfpIolOF5BGHzA2kfaNjsLCtZwIJ1S"
    "ZVQ0fYPQFUvGBVDZjg+pXDlEagO4EOyUsW+ezxpDLaLmVUajpS05GajtR0Gl5vR8Lkau5+"
    "dvwphWVai7fRPGUXwtLr3kv9ik9C0kCSZCeFo20Q1xFZcSBdroPQlqhybCbuQY1LVUc7Lo"
    "SrqnHJRbs90OJAOvKRYttmFTnpEB9g55lfbYHTq1+mOKc89zAmqOLn9bvTEggQA/RCCAB7"
    "lj541t0VgEC11puwRCCZGcgA0AG6C57JB3QeC3y8expWqtTtUqkFM/q7m8hfx+s7ySIQAT"
    "ci6CC8tZQefIKGxwlNKE6ujQg6gXDTKbVEF9XD8LCK23CSpDnnyetWb8bJAD0WQSemx6SJ"
    "pEdquxpjx4GKnylr7xb+2Da4q8rd6ZnWVqk75MMWsTvBropyd2LabBW8i7HfLvDGVcXI9H"
    "M9xy8qJkXgxt7K2LLXBnZNSjt0ffPDOg8aKHAevPJVyJgfk3TPil/LLJYlwuouERacflx8"
    "t0eax9TNId37OBxf34x/6InBHZJdguDLPR58/Did/DK8vgTht3s8Hf40vJrTtvBb1i53mH"
    "hzx1uYurtbgECWVoYItMV7XCVEICzsLM73NKWMlW1ziICN/odUd7fqdTzaLggYTZvaNLRw"
    "LUEHd4pGerfz5rZwE1psRIHN0ElwZb2LhhCVcS77glaWEmmylEi8Z+4B2C8gfih3xqQgJn"
    "cBxne3t1mM6YG/B3yvo4G6Cm5CMqoArAzPEt4XisKzYoCrlMHxg4z2WKMkDrbqyKZcb40S"
    "z11YLyPkOJAduPkiJakO/dIqJayrYib6VkgBo5Z/8GxTExEtK+K/xpbcA3l2MjcgUy1pXB"
    "lt9ytK0hAzFxmGA6xlHzgIu4BMEGTzEsL2PHol115klsREaVYg+WlzTT+ll69ZL18wEbmy"
    "dLEFP03VudyxWl6mYhNRZk1zRUSAThF10FdSi+OP7iV0OxIBOknTQZzrCOOUjr96HX+0iC"
    "I5HPMA/zSbjIv81xFJ1pmgqy74Fxh6faFZve+WHvaFhYWnG66OnRP6s98L+gH3YX2mEJVb"
    "n7OG5n7aY0AHyFqfj9AT+9+74V3gIBVwxPpUl8D/vMez4Xh+Cej/9/jD4OaWXvM/2+F6Dc"
    "RHDmuKswkTJDICN2tjzQrlOVzL3Zoc8g56tLvk3HRYDrN43EJMJp3XbeYve/sAsm2eXbTY"
    "bZ2mkg5rcYe1rBlSfGZ1KyAo50c7TArAwNN0d/iEMDfyP3G1X2alhLSfgqKOW02Uv64soO"
    "kaeF5BlybDPq90dQWsBQ176ZO/EM2U1cDStkz6l41OwJgMbwNvTaew1geY/elbyDmptnX8"
    "gEy6bZct0lJVz7Z32i0zpN0rttOx3TLz4jTLVh4Jrruq1ukR2mxZ6g2uRzfjS8A+7vHV3W"
    "w+GQ2nlyD8do8H48n499HkbkZ6hV+JCv77bD4cESWcfbZE7VaFg/GSJDICJ694+/gIp8hn"
    "yLogqTfgJ/A9m4I4833sHcjB2r+LwJfOfIwEQM6QdW8y14a00FacopF7Mec1vrImYKOTWE"
    "Mu1A0O0MX+rgSJ9Hftxd/VFjMGsol+3+OZMPwr/VLzRdynzgoF0jrQpHXgCdmOoLiWIGmz"
    "UtimKCW6qEQEYr97B9E9rZQtf1qSLX+az5Zn8Rm8CLAtIR3c+K8GjrjDeGK6cZh9+j+u2S"
    "4n"
)
