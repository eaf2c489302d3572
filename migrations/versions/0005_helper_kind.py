"""helper kind on users: community health worker or family member / caregiver

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helper_kind', sa.Enum('chw', 'caregiver', name='helperkind', native_enum=False, length=16), nullable=True))

    # The portal cannot tell an existing caregiver from a CHW, and showed every helper as a CHW
    # until now: they stay CHWs (nothing a patient reads changes) until someone who knows them
    # sets 'caregiver'. Non-helpers keep NULL.
    op.execute(sa.text("UPDATE users SET helper_kind = 'chw' WHERE role = 'chw'"))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('helper_kind')
