"""Topics, tags, questions and their immutable versions."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.bank.types import feedback_key, feedback_texts, get_type
from quizapp.extensions import db
from quizapp.markdown import RENDERER_VERSION, render_text
from quizapp.models import UTCDateTime, utcnow


class QuestionStatus(enum.StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Topic(db.Model):
    """A node of the curated topic tree; `path` ("/korean-war/road-to-war/") makes a subtree one query."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(sa.String(500), index=True)

    parent: Mapped["Topic | None"] = relationship(remote_side=[id], lazy="raise")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def full_slug(self) -> str:
        """The path without its slashes at either end: "korean-war/road-to-war"."""
        return self.path.strip("/")


question_tags = sa.Table(
    "question_tags",
    db.Model.metadata,
    sa.Column("question_id", sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)


class Question(db.Model):
    """A question's identity; what it says lives in its versions.

    Curated items have a slug and no owner; teachers' own questions have an owner and no slug.
    """

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(32), index=True)  # fixed for the question's life
    fact: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=QuestionStatus.ACTIVE.value)
    # The current version's page, repeated here (add_version keeps it) so that new cards come
    # in article order from ix_questions_article_order, without sorting the bank.
    source_page: Mapped[int | None]
    # The current version's prompt and answer texts folded (bank/folding.py search_text; add_version
    # keeps it), so the teachers' search compares plain columns: trigram-indexed on PostgreSQL.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questions.id"))
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_versions.id", use_alter=True, name="fk_questions_current_version_id")
    )
    # The version `flask bank load` last wrote; a different current version means the
    # item was edited in the app since, and the loader reports a conflict.
    loaded_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question_versions.id", use_alter=True, name="fk_questions_loaded_version_id")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    topic: Mapped[Topic] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, lazy="raise", order_by=Tag.slug)
    current_version: Mapped["QuestionVersion | None"] = relationship(
        foreign_keys=[current_version_id], lazy="raise", post_update=True
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'retired')", name="status_known"),
        sa.CheckConstraint("(slug IS NULL) <> (owner_id IS NULL)", name="curated_xor_owned"),
        sa.Index("ix_questions_article_order", "source_page", "id"),
        sa.Index(
            "ix_questions_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )


class QuestionVersion(db.Model):
    """What a question said at one moment. Never updated: an edit adds a version.

    `data` holds the type's answer data (choices, pairs, blanks...), whose inner ids stay
    the same across versions so answers and statistics can refer to them. `rendered` holds the
    HTML of its Markdown (prompt, explanation, a flashcard's back), made when it is saved by the
    renderer `renderer_version`, so that pages never render per view.
    """

    __tablename__ = "question_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(32))
    prompt: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    difficulty: Mapped[int]
    source_page: Mapped[int | None]
    source_evidence: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rendered: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    renderer_version: Mapped[int | None]

    question: Mapped[Question] = relationship(foreign_keys=[question_id], lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("question_id", "number", name="uq_question_versions_question_number"),
        sa.CheckConstraint("difficulty BETWEEN 1 AND 3", name="difficulty_range"),
    )

    def markdown_sources(self) -> dict[str, str]:
        """The authored texts of this version (Markdown, or HTML in an html-format item) by the name
        their HTML is stored under; each answer's feedback under feedback_key(text)."""
        sources = {
            "prompt": self.prompt,
            "explanation": self.explanation or "",
            "back": self.data.get("back", ""),
            "general_feedback": self.data.get("general_feedback", ""),
        }
        return sources | {feedback_key(text): text for text in feedback_texts(self.data)}

    @property
    def text_format(self) -> str:
        return self.data.get("format", "markdown")

    def render(self) -> None:
        """Store the HTML of its texts, made by the current renderer (on save, and by `flask bank rerender`)."""
        fmt = self.text_format
        self.rendered = {name: str(render_text(text, fmt)) for name, text in self.markdown_sources().items() if text}
        self.renderer_version = RENDERER_VERSION

    def html(self, name: str) -> Markup:
        """The stored HTML of a text; rendered now only if none was stored by this renderer."""
        if self.rendered is not None and self.renderer_version == RENDERER_VERSION:
            return Markup(self.rendered.get(name, ""))  # noqa: S704  (made by render_text, which sanitises)
        return render_text(self.markdown_sources().get(name, ""), self.text_format)

    def feedback_html(self, answer: dict[str, Any] | None) -> list[Markup]:
        """The feedback the author wrote for the answer given (a choice's, a typed answer's...), as HTML."""
        texts = get_type(self.type).feedback_for(self.data, answer) if isinstance(answer, dict) else []
        return [self.feedback_text_html(text) for text in texts]

    def feedback_text_html(self, text: str) -> Markup:
        """The stored HTML of one of this version's feedback texts."""
        return self.html(feedback_key(text))

    @property
    def general_feedback_html(self) -> Markup:
        return self.html("general_feedback")

    @property
    def prompt_html(self) -> Markup:
        return self.html("prompt")

    @property
    def explanation_html(self) -> Markup:
        return self.html("explanation")

    @property
    def back_html(self) -> Markup:
        return self.html("back")
