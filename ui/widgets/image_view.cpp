#include "widgets/image_view.h"

#include <cmath>

#include <QPainter>
#include <QResizeEvent>

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

void ImageView::setNote(const QString& note)
{
    m_note = note;
    update();
}

void ImageView::setNoteShown(bool shown)
{
    m_noteShown = shown;
    updateGeometry();
    update();
}

void ImageView::setHighlighted(bool on)
{
    m_highlighted = on;
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
    // Not a height for width, which a layout takes as this widget's least height too: the
    // preferred height at the current width, never more, less where room is short.
    setSizePolicy(QSizePolicy::Expanding, follow ? QSizePolicy::Maximum : QSizePolicy::Expanding);
    updateGeometry();
}

int ImageView::textHeight() const
{
    // The caption line, and the note line under it when notes are shown.
    const int line = fontMetrics().height() + 4;
    return (m_caption.isEmpty() ? 0 : line) + (m_noteShown ? line : 0);
}

QRect ImageView::imageArea() const
{
    return rect().adjusted(3, 3, -3, -3 - textHeight());
}

QRect ImageView::imageTarget() const
{
    const QRect area = imageArea();
    if (m_image.isNull() || area.width() <= 0 || area.height() <= 0)
        return {};
    const QSize fitted = m_image.size().scaled(area.size(), Qt::KeepAspectRatio);
    return QRect(area.x() + (area.width() - fitted.width()) / 2, area.y() + (area.height() - fitted.height()) / 2,
                 fitted.width(), fitted.height());
}

double ImageView::shownScale() const
{
    const QRect target = imageTarget();
    if (m_image.isNull() || target.isEmpty())
        return 1.0;
    // In device pixels: on a HiDPI screen a target of N points holds N × ratio image pixels.
    return target.width() * devicePixelRatioF() / m_image.width();
}

QString ImageView::scaleNote() const
{
    const double scale = shownScale();
    if (scale >= 1.0)
        return {};
    return tr("shown nearest-neighbour at %1 %").arg(std::max(1, static_cast<int>(std::lround(100.0 * scale))));
}

QString ImageView::noteText() const
{
    QStringList parts;
    if (!m_note.isEmpty())
        parts << m_note;
    const QString scale = scaleNote();
    if (!scale.isEmpty())
        parts << scale;
    return parts.join(QStringLiteral("; "));
}

int ImageView::heightForWidth(int width) const
{
    const double aspect = m_image.isNull() ? 1.0 : static_cast<double>(m_image.height()) / m_image.width();
    return static_cast<int>((width - 6) * aspect) + 6 + textHeight();
}

QSize ImageView::sizeHint() const
{
    if (m_followWidth)
        return {120, heightForWidth(width())};
    return {220, 240};
}

void ImageView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_followWidth && event->oldSize().width() != width())
        updateGeometry(); // the preferred height follows the width
}

QSize ImageView::minimumSizeHint() const
{
    // A row of tiles may shrink further, so that it fits its page rather than scroll it.
    return {48, (m_followWidth ? 40 : 48) + textHeight()};
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect area = imageArea();
    const QRect target = imageTarget();
    // The image and its caption form one block, centred in the widget.
    int captionTop = area.bottom() + 1;
    if (!target.isEmpty()) {
        captionTop = target.bottom() + 1;
        // Nearest-neighbour both ways: every pixel drawn is one of the image's.
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        // Shrunk to the target's device pixels (not its points), so a HiDPI screen shows as
        // many of the image's pixels as it has room for.
        const double ratio = devicePixelRatioF();
        const QSize devicePixels = (QSizeF(target.size()) * ratio).toSize();
        if (devicePixels.width() >= m_image.width()) {
            painter.drawImage(target, m_image);
        } else {
            QImage shown = m_image.scaled(devicePixels, Qt::IgnoreAspectRatio, Qt::FastTransformation);
            shown.setDevicePixelRatio(ratio);
            painter.drawImage(target.topLeft(), shown);
        }
        if (m_highlighted) {
            painter.setPen(QPen(palette().color(QPalette::Highlight), 3));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(target.adjusted(-2, -2, 1, 1));
        }
    } else if (!m_placeholder.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
    const int line = fontMetrics().height() + 4;
    int top = captionTop + 3;
    if (!m_caption.isEmpty()) {
        painter.setPen(palette().color(QPalette::WindowText));
        QFont font = painter.font();
        font.setBold(m_highlighted);
        painter.setFont(font);
        painter.drawText(QRect(0, top, width(), line), Qt::AlignHCenter | Qt::AlignTop,
                         QFontMetrics(font).elidedText(m_caption, Qt::ElideRight, width()));
        font.setBold(false);
        painter.setFont(font);
        top += line;
    }
    const QString note = m_noteShown ? noteText() : QString();
    if (!note.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(QRect(0, top, width(), line), Qt::AlignHCenter | Qt::AlignTop,
                         fontMetrics().elidedText(note, Qt::ElideRight, width()));
    }
}

} // namespace ddpm::ui
