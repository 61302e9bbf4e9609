#include "widgets/image_view.h"

#include <QPainter>

namespace ddpm::ui {

ImageView::ImageView(const QString& caption, QWidget* parent)
    : QWidget(parent)
    , m_caption(caption)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ImageView::setImage(const QImage& image)
{
    const bool reshaped = m_followWidth && image.size() != m_image.size();
    m_image = image;
    if (reshaped)
        updateGeometry();
    update();
}

void ImageView::setCaption(const QString& caption)
{
    m_caption = caption;
    update();
}

void ImageView::setPlaceholder(const QString& text)
{
    m_placeholder = text;
    update();
}

void ImageView::setFollowWidth(bool follow)
{
    m_followWidth = follow;
    QSizePolicy policy(QSizePolicy::Expanding, follow ? QSizePolicy::Preferred : QSizePolicy::Expanding);
    policy.setHeightForWidth(follow);
    setSizePolicy(policy);
    updateGeometry();
}

int ImageView::heightForWidth(int width) const
{
    const int captionHeight = m_caption.isEmpty() ? 0 : fontMetrics().height() + 4;
    const double aspect = m_image.isNull() ? 1.0 : static_cast<double>(m_image.height()) / m_image.width();
    return static_cast<int>((width - 4) * aspect) + 4 + captionHeight;
}

QSize ImageView::sizeHint() const
{
    if (m_followWidth)
        return {120, heightForWidth(120)};
    return {220, 240};
}

QSize ImageView::minimumSizeHint() const
{
    return {48, 48 + fontMetrics().height()};
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const int captionHeight = m_caption.isEmpty() ? 0 : fontMetrics().height() + 4;
    const QRect area = rect().adjusted(2, 2, -2, -2 - captionHeight);
    // The image and its caption form one block, centred in the widget.
    int captionTop = area.bottom() + 1;
    if (!m_image.isNull() && area.width() > 0 && area.height() > 0) {
        const QSize fitted = m_image.size().scaled(area.size(), Qt::KeepAspectRatio);
        const int top = area.y() + (area.height() - fitted.height()) / 2;
        const QRect target(area.x() + (area.width() - fitted.width()) / 2, top, fitted.width(), fitted.height());
        captionTop = target.bottom() + 1;
        // Enlarging: keep pixels sharp. Shrinking: average so noise does not alias.
        const bool enlarging = fitted.width() >= m_image.width();
        painter.setRenderHint(QPainter::SmoothPixmapTransform, !enlarging);
        if (enlarging)
            painter.drawImage(target, m_image);
        else
            painter.drawImage(target.topLeft(),
                              m_image.scaled(fitted, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    } else if (!m_placeholder.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
    if (captionHeight > 0) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(0, captionTop + 2, width(), captionHeight), Qt::AlignHCenter | Qt::AlignTop,
                         fontMetrics().elidedText(m_caption, Qt::ElideRight, width()));
    }
}

} // namespace ddpm::ui
