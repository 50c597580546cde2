"""``python -m province seed_news_demo``: a few demo announcements (idempotent, by slug).

Every one says it is demo content; none pretends to be an official decision or carries a
document number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from province.news.models import Article
from province.news.services import article_prepare

DEMO_NOTE = "<p><em>Tin minh họa của bản trình diễn hệ thống, không phải thông báo chính thức.</em></p>"

ARTICLES = [
    (
        "huong-dan-nop-ho-so-truc-tuyen-bang-vneid",
        "Hướng dẫn nộp hồ sơ trực tuyến bằng tài khoản định danh điện tử VNeID",
        "Các bước đăng nhập bằng VNeID, chọn thủ tục, điền tờ khai, đính kèm giấy tờ và theo dõi hồ sơ.",
        "<h2>Trước khi bắt đầu</h2><p>Chuẩn bị tài khoản VNeID mức độ 2 và bản chụp các giấy tờ.</p>"
        "<h2>Các bước</h2><ol><li>Chọn <strong>Đăng nhập</strong>, rồi tài khoản định danh điện tử.</li>"
        "<li>Vào <strong>Nộp qua mạng</strong>, tìm thủ tục theo tên hoặc mã.</li>"
        "<li>Điền tờ khai, đính kèm giấy tờ, chọn cách nhận kết quả và nộp.</li>"
        "<li>Theo dõi tại <strong>Quản lý hồ sơ đã nộp</strong> hoặc <strong>Tra cứu hồ sơ</strong>.</li></ol>",
        2,
    ),
    (
        "lich-lam-viec-bo-phan-mot-cua-dip-tet",
        "Lịch tiếp nhận hồ sơ của Bộ phận Một cửa dịp Tết Nguyên đán",
        "Hồ sơ nộp trực tuyến trong những ngày nghỉ Tết được tiếp nhận vào ngày làm việc đầu tiên sau Tết.",
        "<p>Trong những ngày nghỉ Tết, Cổng Dịch vụ công vẫn nhận hồ sơ trực tuyến. Thời hạn giải quyết "
        "được tính từ ngày làm việc đầu tiên sau kỳ nghỉ.</p>",
        9,
    ),
    (
        "danh-gia-muc-do-hai-long",
        "Mời người dân đánh giá mức độ hài lòng sau khi nhận kết quả",
        "Sau khi nhận kết quả, người nộp có thể đánh giá mức độ hài lòng ngay trên trang hồ sơ của mình.",
        "<p>Ý kiến đánh giá giúp cơ quan cải thiện chất lượng phục vụ. Kết quả tổng hợp được công khai tại "
        'trang <a href="/thong-ke/">Thống kê</a>.</p>',
        20,
    ),
]


class Command(BaseCommand):
    help = "Create a few demo news articles (marked as demo content)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for slug, title, summary, body, days_ago in ARTICLES:
            if Article.objects.filter(slug=slug).exists():
                continue
            article = Article(
                slug=slug,
                title=title,
                summary=summary,
                body=body + DEMO_NOTE,
                published_at=timezone.now() - dt.timedelta(days=days_ago),
            )
            article_prepare(article)
            article.save()
            created += 1
        self.stdout.write(f"news: {created} demo article(s) created")
