"""Base tables: cached feeds, feed state, outbox, local cases.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
# The oldest program that can still use the file (the first schema; rule: offline_cache/migrations).
oldest_reader = revision


def upgrade() -> None:
    op.create_table(
        "feed_fixed_jobs",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("employer", sa.Text()),
        sa.Column("category_code", sa.Text()),
        sa.Column("category_name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("town", sa.Text()),
        sa.Column("village", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("salary_min", sa.Integer()),
        sa.Column("salary_max", sa.Integer()),
        sa.Column("work_type", sa.Text()),
        sa.Column("education", sa.Text()),
        sa.Column("headcount", sa.Integer()),
        sa.Column("contact_name", sa.Text()),
        sa.Column("contact_phone", sa.Text()),
        sa.Column("posted_at", sa.Text()),
        sa.Column("expires_at", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_fixed_jobs"),
        sa.UniqueConstraint("id", name="uq_feed_fixed_jobs_id"),
    )
    op.create_index("ix_feed_fixed_jobs_category_code", "feed_fixed_jobs", ["category_code"])
    op.create_index("ix_feed_fixed_jobs_county", "feed_fixed_jobs", ["county"])
    op.create_index("ix_feed_fixed_jobs_town", "feed_fixed_jobs", ["town"])
    op.create_index("ix_feed_fixed_jobs_lat", "feed_fixed_jobs", ["lat"])
    op.create_index("ix_feed_fixed_jobs_salary_min", "feed_fixed_jobs", ["salary_min"])
    op.create_index("ix_feed_fixed_jobs_salary_max", "feed_fixed_jobs", ["salary_max"])
    op.create_index("ix_feed_fixed_jobs_work_type", "feed_fixed_jobs", ["work_type"])
    op.create_index("ix_feed_fixed_jobs_posted_at", "feed_fixed_jobs", ["posted_at"])
    op.create_table(
        "feed_gig_jobs",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("employer", sa.Text()),
        sa.Column("category_code", sa.Text()),
        sa.Column("category_name", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("town", sa.Text()),
        sa.Column("village", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("daily_wage_min", sa.Integer()),
        sa.Column("daily_wage_max", sa.Integer()),
        sa.Column("start_date", sa.Text()),
        sa.Column("end_date", sa.Text()),
        sa.Column("headcount", sa.Integer()),
        sa.Column("contact_name", sa.Text()),
        sa.Column("contact_phone", sa.Text()),
        sa.Column("posted_at", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_gig_jobs"),
        sa.UniqueConstraint("id", name="uq_feed_gig_jobs_id"),
    )
    op.create_index("ix_feed_gig_jobs_category_code", "feed_gig_jobs", ["category_code"])
    op.create_index("ix_feed_gig_jobs_county", "feed_gig_jobs", ["county"])
    op.create_index("ix_feed_gig_jobs_town", "feed_gig_jobs", ["town"])
    op.create_index("ix_feed_gig_jobs_lat", "feed_gig_jobs", ["lat"])
    op.create_index("ix_feed_gig_jobs_daily_wage_min", "feed_gig_jobs", ["daily_wage_min"])
    op.create_index("ix_feed_gig_jobs_daily_wage_max", "feed_gig_jobs", ["daily_wage_max"])
    op.create_index("ix_feed_gig_jobs_posted_at", "feed_gig_jobs", ["posted_at"])
    op.create_table(
        "feed_gig_seekers",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name_masked", sa.Text()),
        sa.Column("gender", sa.Text()),
        sa.Column("age", sa.Integer()),
        sa.Column("skill_codes", sa.Text()),
        sa.Column("skill_names", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("town", sa.Text()),
        sa.Column("village", sa.Text()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("daily_wage_expect", sa.Integer()),
        sa.Column("available_from", sa.Text()),
        sa.Column("available_to", sa.Text()),
        sa.Column("phone_masked", sa.Text()),
        sa.Column("published_at", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_gig_seekers"),
        sa.UniqueConstraint("id", name="uq_feed_gig_seekers_id"),
    )
    op.create_index("ix_feed_gig_seekers_county", "feed_gig_seekers", ["county"])
    op.create_index("ix_feed_gig_seekers_town", "feed_gig_seekers", ["town"])
    op.create_index("ix_feed_gig_seekers_lat", "feed_gig_seekers", ["lat"])
    op.create_index("ix_feed_gig_seekers_published_at", "feed_gig_seekers", ["published_at"])
    op.create_table(
        "feed_job_fairs",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("organizer", sa.Text()),
        sa.Column("venue", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("town", sa.Text()),
        sa.Column("start_at", sa.Text()),
        sa.Column("end_at", sa.Text()),
        sa.Column("audience", sa.Text()),
        sa.Column("hard_to_employ_only", sa.Boolean()),
        sa.Column("employers_count", sa.Integer()),
        sa.Column("posts_count", sa.Integer()),
        sa.Column("description", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_job_fairs"),
        sa.UniqueConstraint("id", name="uq_feed_job_fairs_id"),
    )
    op.create_index("ix_feed_job_fairs_county", "feed_job_fairs", ["county"])
    op.create_index("ix_feed_job_fairs_start_at", "feed_job_fairs", ["start_at"])
    op.create_table(
        "feed_policies",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("doc_no", sa.Text()),
        sa.Column("issuer", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("published_at", sa.Text()),
        sa.Column("summary", sa.Text()),
        sa.Column("body", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_policies"),
        sa.UniqueConstraint("id", name="uq_feed_policies_id"),
    )
    op.create_index("ix_feed_policies_category", "feed_policies", ["category"])
    op.create_index("ix_feed_policies_published_at", "feed_policies", ["published_at"])
    op.create_table(
        "feed_archive_institutions",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("phone", sa.Text()),
        sa.Column("hours", sa.Text()),
        sa.Column("scope", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_archive_institutions"),
        sa.UniqueConstraint("id", name="uq_feed_archive_institutions_id"),
    )
    op.create_index("ix_feed_archive_institutions_county", "feed_archive_institutions", ["county"])
    op.create_table(
        "feed_internship_posts",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("employer", sa.Text()),
        sa.Column("city", sa.Text()),
        sa.Column("county", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("positions", sa.Integer()),
        sa.Column("stipend", sa.Integer()),
        sa.Column("start_date", sa.Text()),
        sa.Column("months", sa.Integer()),
        sa.Column("requirements", sa.Text()),
        sa.Column("contact_phone", sa.Text()),
        sa.Column("posted_at", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_internship_posts"),
        sa.UniqueConstraint("id", name="uq_feed_internship_posts_id"),
    )
    op.create_index("ix_feed_internship_posts_city", "feed_internship_posts", ["city"])
    op.create_index("ix_feed_internship_posts_county", "feed_internship_posts", ["county"])
    op.create_index("ix_feed_internship_posts_posted_at", "feed_internship_posts", ["posted_at"])
    op.create_table(
        "feed_job_categories",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("code", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("parent_code", sa.Text()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_job_categories"),
        sa.UniqueConstraint("id", name="uq_feed_job_categories_id"),
    )
    op.create_index("ix_feed_job_categories_code", "feed_job_categories", ["code"])
    op.create_index("ix_feed_job_categories_parent_code", "feed_job_categories", ["parent_code"])
    op.create_table(
        "feed_education_levels",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("code", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("rank", sa.Integer()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_education_levels"),
        sa.UniqueConstraint("id", name="uq_feed_education_levels_id"),
    )
    op.create_index("ix_feed_education_levels_code", "feed_education_levels", ["code"])
    op.create_table(
        "feed_regions",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("code", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("level", sa.Text()),
        sa.Column("parent_code", sa.Text()),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.PrimaryKeyConstraint("pk", name="pk_feed_regions"),
        sa.UniqueConstraint("id", name="uq_feed_regions_id"),
    )
    op.create_index("ix_feed_regions_code", "feed_regions", ["code"])
    op.create_index("ix_feed_regions_parent_code", "feed_regions", ["parent_code"])
    op.create_table(
        "feed_state",
        sa.Column("feed", sa.Text(), nullable=False),
        sa.Column("cursor", sa.Text()),
        sa.Column("last_pull_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("feed", name="pk_feed_state"),
    )
    op.create_table(
        "outbox",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("case_no", sa.Text()),
        sa.Column("reject_code", sa.Text()),
        sa.Column("reject_message", sa.Text()),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("purged_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("pk", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_state_next_attempt_at_created_at", "outbox", ["state", "next_attempt_at", "created_at"])
    op.create_table(
        "local_case",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text()),
        sa.Column("person_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("case_no", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["key"], ["outbox.key"], name="fk_local_case_key_outbox"),
        sa.PrimaryKeyConstraint("pk", name="pk_local_case"),
        sa.UniqueConstraint("case_no", name="uq_local_case_case_no"),
        sa.UniqueConstraint("key", name="uq_local_case_key"),
    )
    op.create_index("ix_local_case_person_key_month", "local_case", ["person_key", "month"])


def downgrade() -> None:
    for table in ("local_case", "outbox", "feed_state"):
        op.drop_table(table)
    for table in sa.inspect(op.get_bind()).get_table_names():
        if table.startswith("feed_"):
            op.drop_table(table)
