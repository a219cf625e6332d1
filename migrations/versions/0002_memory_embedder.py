"""memories record which embedder made their vector

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 17:20:00

A memory's vector was only checked by its width, so a retrained adapter (or a change in how the
model is served) of the same width would have compared new query vectors with old memory vectors.
Rows from before this revision have NULL and are re-embedded on their owner's next message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embedder", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("memories", schema=None) as batch_op:
        batch_op.drop_column("embedder")
