#include "widgets/flow_layout.h"

#include <QApplication>
#include <QPushButton>
#include <QStyle>
#include <QStyleOptionButton>
#include <QWidget>

#include <algorithm>

namespace ddpm::ui {

namespace {

/// The width an item asks for on a line. A push button's size hint (and minimum size hint) is
/// at least 80 pixels in some styles (Fusion) whatever its text, so a short button would take
/// a line's room it does not need: a button asks for the width its text and icon need in the
/// style's margins, or the minimum width set on it where that is more.
int preferredWidth(const QLayoutItem* item)
{
    const auto* button = qobject_cast<const QPushButton*>(item->widget());
    if (button == nullptr)
        return item->sizeHint().width();
    QStyleOptionButton option;
    option.initFrom(button);
    option.features = button->isFlat() ? QStyleOptionButton::Flat : QStyleOptionButton::None;
    option.icon = button->icon();
    option.iconSize = button->iconSize();
    // No text in the option: the style then adds its margins and no floor.
    QSize content(button->fontMetrics().horizontalAdvance(button->text()), button->fontMetrics().height());
    if (!button->icon().isNull())
        content.rwidth() += button->iconSize().width() + 4;
    const int needed
        = button->style()->sizeFromContents(QStyle::CT_PushButton, &option, content, button).width();
    // Its minimum size hint is its size hint: only a minimum width set on it counts.
    return std::clamp(needed, button->minimumWidth(), item->sizeHint().width());
}

/// The least width an item takes: a button never less than its text needs.
int leastWidth(const QLayoutItem* item)
{
    return qobject_cast<const QPushButton*>(item->widget()) ? preferredWidth(item)
                                                            : item->minimumSize().width();
}

} // namespace

FlowLayout::FlowLayout(QWidget* parent)
    : QLayout(parent)
{ }

FlowLayout::~FlowLayout()
{
    while (QLayoutItem* item = takeAt(0))
        delete item;
}

void FlowLayout::addLayout(QLayout* layout)
{
    addChildLayout(layout);
    addItem(layout);
}

void FlowLayout::setUniformWidths(bool uniform)
{
    m_uniform = uniform;
    invalidate();
}

void FlowLayout::addItem(QLayoutItem* item)
{
    m_items.append(item);
    invalidate();
}

int FlowLayout::count() const
{
    return static_cast<int>(m_items.size());
}

QLayoutItem* FlowLayout::itemAt(int index) const
{
    return index >= 0 && index < m_items.size() ? m_items.at(index) : nullptr;
}

QLayoutItem* FlowLayout::takeAt(int index)
{
    if (index < 0 || index >= m_items.size())
        return nullptr;
    QLayoutItem* item = m_items.takeAt(index);
    invalidate();
    return item;
}

Qt::Orientations FlowLayout::expandingDirections() const
{
    return {};
}

bool FlowLayout::hasHeightForWidth() const
{
    return true;
}

int FlowLayout::heightForWidth(int width) const
{
    return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::sizeHint() const
{
    int width = 0;
    int height = 0;
    int shown = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        width += item->sizeHint().width(); // the style's comfortable width, as a box layout asks
        height = std::max(height, item->sizeHint().height());
        ++shown;
    }
    width += std::max(0, shown - 1) * horizontalSpacing();
    const QMargins m = contentsMargins();
    return QSize(width + m.left() + m.right(), height + m.top() + m.bottom());
}

QSize FlowLayout::minimumSize() const
{
    QSize least(0, 0);
    for (const QLayoutItem* item : m_items)
        if (!item->isEmpty())
            least = least.expandedTo(QSize(leastWidth(item), item->minimumSize().height()));
    const QMargins m = contentsMargins();
    return least + QSize(m.left() + m.right(), m.top() + m.bottom());
}

void FlowLayout::setGeometry(const QRect& rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::horizontalSpacing() const
{
    return spacingAlong(Qt::Horizontal);
}

int FlowLayout::verticalSpacing() const
{
    return spacingAlong(Qt::Vertical);
}

int FlowLayout::spacingAlong(Qt::Orientation orientation) const
{
    if (spacing() >= 0)
        return spacing();
    // Styles that leave it to the controls' kinds (QStyle::layoutSpacing), as Qt's own layouts ask.
    const QWidget* widget = parentWidget();
    const QStyle* style = widget ? widget->style() : QApplication::style();
    const int pixels = style->pixelMetric(
        orientation == Qt::Horizontal ? QStyle::PM_LayoutHorizontalSpacing : QStyle::PM_LayoutVerticalSpacing,
        nullptr, widget);
    return pixels >= 0 ? pixels
                       : std::max(0,
                           style->layoutSpacing(QSizePolicy::PushButton, QSizePolicy::PushButton, orientation,
                               nullptr, widget));
}

int FlowLayout::arrange(const QRect& rect, bool apply) const
{
    const QMargins m = contentsMargins();
    const QRect area = rect.marginsRemoved(m);
    const int room = std::max(0, area.width());
    const int hSpace = horizontalSpacing();
    const int vSpace = verticalSpacing();

    QList<QLayoutItem*> shown;
    for (QLayoutItem* item : m_items)
        if (!item->isEmpty())
            shown.append(item);

    int y = area.y();
    int first = 0;
    bool anyLine = false;
    while (first < shown.size()) {
        // As many items as fit at their preferred widths (at least one).
        int last = first;
        int used = std::min(room, preferredWidth(shown.at(first)));
        while (last + 1 < shown.size() && used + hSpace + preferredWidth(shown.at(last + 1)) <= room) {
            ++last;
            used += hSpace + preferredWidth(shown.at(last));
        }
        // Their widths: preferred (no less than the least, no more than the line), then the
        // room to spare shared by those that may grow.
        QList<int> widths;
        QList<int> growing;
        int lineHeight = 0;
        for (int i = first; i <= last; ++i) {
            const QLayoutItem* item = shown.at(i);
            widths.append(std::clamp(preferredWidth(item), std::min(leastWidth(item), room), room));
            const bool grows
                = (item->widget() ? item->widget()->sizePolicy().horizontalPolicy() : QSizePolicy::Preferred)
                & QSizePolicy::GrowFlag;
            if (grows)
                growing.append(i - first);
            lineHeight = std::max(lineHeight, item->sizeHint().height());
        }
        int spare = room - (last - first) * hSpace;
        const int n = last - first + 1;
        if (m_uniform && std::all_of(widths.begin(), widths.end(), [&](int w) { return w <= spare / n; })) {
            for (int j = 0; j < n; ++j)
                widths[j] = spare / n + (j == n - 1 ? spare % n : 0);
            growing.clear();
        }
        for (int w : widths)
            spare -= w;
        for (int k = 0; k < growing.size() && spare > 0; ++k) {
            const int j = growing.at(k);
            const int share = spare / static_cast<int>(growing.size() - k);
            const int grown = std::min(widths[j] + share, shown.at(first + j)->maximumSize().width());
            spare -= grown - widths[j];
            widths[j] = grown;
        }
        if (apply) {
            int x = area.x();
            for (int i = first; i <= last; ++i) {
                QLayoutItem* item = shown.at(i);
                const int h
                    = std::min(lineHeight, std::max(item->sizeHint().height(), item->minimumSize().height()));
                item->setGeometry(QRect(x, y + (lineHeight - h) / 2, widths[i - first], h));
                x += widths[i - first] + hSpace;
            }
        }
        y += lineHeight + vSpace;
        anyLine = true;
        first = last + 1;
    }
    if (anyLine)
        y -= vSpace;
    return y - area.y() + m.top() + m.bottom();
}

} // namespace ddpm::ui
