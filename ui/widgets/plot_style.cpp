#include "widgets/plot_style.h"

#include <QApplication>
#include <QEvent>
#include <QFontDatabase>
#include <QFontInfo>
#include <QFontMetrics>
#include <QPalette>

#include <algorithm>
#include <cmath>

#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

const char* const kMaxColumnsProperty = "ddpmLegendMaxColumns";
// The helper objects a plot (or the owner) gets at most once, found by name: they have no
// meta-object of their own, so findChild by type would match any child.
const QString kStyleFollowerName = QStringLiteral("ddpmStyleFollower");
const QString kEveryPlotStylerName = QStringLiteral("ddpmEveryPlotStyler");
const QString kLegendFitterName = QStringLiteral("ddpmLegendFitter");
constexpr int kLegendIconWidth = 20; // short swatches: two entries a row fit a narrow plot
constexpr int kLegendIconHeight = 10;

void setAxisFont(QCPAxis* axis, const QFont& font)
{
    axis->setLabelFont(font);
    axis->setTickLabelFont(font);
    QFont selected = font;
    selected.setBold(true);
    axis->setSelectedLabelFont(selected);
    axis->setSelectedTickLabelFont(selected);
}

/// `font`'s family and size with `own`'s weight and slant.
QFont withStyleOf(const QFont& font, const QFont& own)
{
    QFont out = font;
    out.setBold(own.bold());
    out.setItalic(own.italic());
    return out;
}

bool hasHelper(const QObject* parent, const QString& name)
{
    return parent->findChild<QObject*>(name, Qt::FindDirectChildrenOnly) != nullptr;
}

} // namespace

void applyApplicationFont(QCustomPlot* plot)
{
    followApplicationStyle(plot);
    const QFont font = QApplication::font(plot);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            setAxisFont(axis, font);
    plot->legend->setFont(font);
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = plot->legend->item(i)) // a wrapped legend has empty cells
            item->setFont(font);
    // Text elements anywhere in the layout (titles, captions) and colour scales' axes.
    const QList<QCPLayoutElement*> elements = plot->plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* text = qobject_cast<QCPTextElement*>(element))
            text->setFont(withStyleOf(font, text->font()));
        else if (auto* scale = qobject_cast<QCPColorScale*>(element))
            setAxisFont(scale->axis(), font);
    }
    // Text items (labels placed on the data).
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
            text->setFont(withStyleOf(font, text->font()));
}

// ---- lines follow the font ----------------------------------------------------------------

double plotLineScale()
{
    // Point sizes as the font database resolves them (a font may be given in pixels).
    const double desktop = QFontInfo(QFontDatabase::systemFont(QFontDatabase::GeneralFont)).pointSizeF();
    const double application = QFontInfo(QApplication::font()).pointSizeF();
    if (!(desktop > 0.0) || !(application > 0.0))
        return 1.0;
    return std::clamp(application / desktop, 1.0, 4.0);
}

namespace {

/// The width to draw a stroke with: `scale` times the width its owner set. The owner's width
/// and the one drawn last are kept on `object` under `slot`; a current width other than the
/// one drawn last was set by the owner since, and becomes the owner's width. Width 0 (Qt's
/// cosmetic one-pixel pen) is drawn as `scale` pixels once scaled.
double scaledWidth(QObject* object, const char* slot, double current, double scale)
{
    const QVariant stored = object->property(slot);
    double owners = current;
    if (stored.isValid()) {
        const QPointF ownersAndDrawn = stored.toPointF();
        if (qFuzzyCompare(1.0 + ownersAndDrawn.y(), 1.0 + current))
            owners = ownersAndDrawn.x();
    }
    const double drawn = owners > 0.0 ? owners * scale : (scale > 1.0 ? scale : 0.0);
    object->setProperty(slot, QPointF(owners, drawn));
    return drawn;
}

/// The colour to draw with on `background`: plotDataColour of the owner's colour. As
/// scaledWidth, the owner's colour and the one drawn last are kept on `object` under `slot`.
QColor drawnColour(QObject* object, const QByteArray& slot, const QColor& current, const QColor& background)
{
    const QVariantList stored = object->property(slot.constData()).toList();
    QColor owners = current;
    if (stored.size() == 2 && stored[1].value<QColor>() == current)
        owners = stored[0].value<QColor>();
    const QColor drawn = plotDataColour(owners, background);
    object->setProperty(slot.constData(), QVariantList{QVariant::fromValue(owners), QVariant::fromValue(drawn)});
    return drawn;
}

/// How a followed plot draws its owners' strokes now: `scale` times as wide, colours readable
/// on `background`.
struct LineStyle {
    double scale = 1.0;
    QColor background;
};

/// `pen` as drawn in `style`, the owner's width and colour kept on `object` under `slot`.
QPen drawnPen(QPen pen, QObject* object, const char* slot, const LineStyle& style)
{
    pen.setWidthF(scaledWidth(object, slot, pen.widthF(), style.scale));
    if (pen.style() != Qt::NoPen)
        pen.setColor(drawnColour(object, QByteArray(slot) + "Colour", pen.color(), style.background));
    return pen;
}

template <typename Owner>
void scalePen(Owner* owner, QObject* object, const char* slot, const LineStyle& style)
{
    const QPen pen = owner->pen();
    const QPen drawn = drawnPen(pen, object, slot, style);
    if (drawn != pen)
        owner->setPen(drawn);
}

template <typename Owner>
void scaleScatter(Owner* owner, const LineStyle& lines)
{
    QCPScatterStyle style = owner->scatterStyle();
    if (style.isNone())
        return;
    const double size = scaledWidth(owner, "ddpmScatterSize", style.size(), lines.scale);
    bool changed = size != style.size();
    style.setSize(size);
    if (style.isPenDefined()) {
        const QPen pen = style.pen();
        const QPen drawn = drawnPen(pen, owner, "ddpmScatterPen", lines);
        changed = changed || drawn != pen;
        style.setPen(drawn);
    }
    if (changed)
        owner->setScatterStyle(style);
}

/// Scales the pen of `item` if it is an `Item`; returns whether it was.
template <typename Item>
bool scaleItemPenAs(QCPAbstractItem* item, const LineStyle& style)
{
    auto* typed = qobject_cast<Item*>(item);
    if (typed)
        scalePen(typed, item, "ddpmPen", style);
    return typed != nullptr;
}

/// The item types with a pen: the first that `item` is gets its pen scaled.
template <typename... Items>
void scaleItemPen(QCPAbstractItem* item, const LineStyle& style)
{
    (void)(scaleItemPenAs<Items>(item, style) || ...);
}

/// Whether tick labels drawn at `positions` (pixels along the axis) leave a gap between
/// neighbours: one average character across, a quarter line along a vertical axis. A power of
/// ten ("eb") is drawn half a line taller than its text.
bool tickLabelsFit(const QCPAxis* axis, const QVector<double>& ticks, const QVector<QString>& labels)
{
    const QFontMetrics metrics(axis->tickLabelFont());
    const bool horizontal = axis->orientation() == Qt::Horizontal;
    const bool powers = axis->numberFormat().contains(QLatin1Char('b'));
    double previousPosition = 0;
    double previousHalf = 0;
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i) {
        const double position = axis->coordToPixel(ticks[i]);
        double half = 0;
        if (horizontal) {
            half = (metrics.horizontalAdvance(labels[i]) + metrics.averageCharWidth()) / 2.0;
        } else {
            const bool power = powers && labels[i].contains(QLatin1Char('e'), Qt::CaseInsensitive);
            half = metrics.height() * (power ? 1.75 : 1.25) / 2.0;
        }
        if (i > 0 && std::abs(position - previousPosition) < previousHalf + half)
            return false;
        previousPosition = position;
        previousHalf = half;
    }
    return true;
}

/// Asks `axis` for the most ticks (the owner's count at most, at least one) whose
/// labels fit its length in its tick label font without writing over each other: a narrow
/// plot, or enlarged text, would otherwise run the labels together ("1000304000"). The ticks
/// are tried as the axis' own ticker makes them, on the layout just computed. Returns how many
/// more (or, negative, fewer) ticks it asked for than before.
int fitTicks(QCPAxis* axis)
{
    const QSharedPointer<QCPAxisTicker> ticker = axis->ticker();
    if (!ticker || !axis->visible() || !axis->tickLabels() || !axis->axisRect())
        return 0;
    const int asked = ticker->tickCount();
    int owners = asked;
    const QVariant stored = axis->property("ddpmTickCount"); // the owner's count and the one asked for last
    if (stored.isValid() && stored.toPoint().y() == asked)
        owners = stored.toPoint().x();
    const int length = axis->orientation() == Qt::Horizontal ? axis->axisRect()->width() : axis->axisRect()->height();
    if (length <= 0)
        return 0;
    const QString format = axis->numberFormat();
    const QChar formatChar = format.isEmpty() ? QLatin1Char('g') : format.at(0);
    const QLocale locale = axis->parentPlot()->locale();
    int count = owners;
    for (; count > 1; --count) {
        ticker->setTickCount(count);
        QVector<double> ticks;
        QVector<QString> labels;
        ticker->generate(axis->range(), locale, formatChar, axis->numberPrecision(), ticks, nullptr, &labels);
        if (tickLabelsFit(axis, ticks, labels))
            break;
    }
    if (count != ticker->tickCount())
        ticker->setTickCount(count);
    axis->setProperty("ddpmTickCount", QPoint(owners, count));
    return count - asked;
}

/// After a followed plot's layout: on every axis, ticks whose labels fit (fitTicks). When a
/// count changed, the layout is made again at once (the ticks are made in its first phase),
/// so this very replot draws them: a count is never a replot behind, and one layout can never
/// start another. An export at another size (the viewport is not the widget's) changes
/// nothing, so what is exported is what is seen.
void fitTicksAfterLayout(QCustomPlot* plot)
{
    if (plot->viewport() != plot->rect())
        return;
    bool changed = false;
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            changed = fitTicks(axis) != 0 || changed;
    if (!changed)
        return;
    QCPLayoutGrid* layout = plot->plotLayout();
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
}

bool isDark(const QColor& background)
{
    return background.lightnessF() < 0.5;
}

/// Before every replot of a followed plot: lines as wide as the font asks for, data colours
/// readable on the background.
void scaleLines(QCustomPlot* plot)
{
    LineStyle style{plotLineScale(), plot->palette().color(QPalette::Base)};
    const bool restyle = style.scale != 1.0 || isDark(style.background);
    // Nothing restyled yet and nothing to restyle: the usual case costs one property read.
    if (!restyle && !plot->property("ddpmLinesScaled").toBool())
        return;
    plot->setProperty("ddpmLinesScaled", restyle);
    const double scale = style.scale;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot->plottable(i);
        scalePen(plottable, plottable, "ddpmPen", style);
        if (auto* graph = qobject_cast<QCPGraph*>(plottable))
            scaleScatter(graph, style);
        else if (auto* curve = qobject_cast<QCPCurve*>(plottable))
            scaleScatter(curve, style);
    }
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem* item = plot->item(i);
        scaleItemPen<QCPItemStraightLine, QCPItemLine, QCPItemCurve, QCPItemRect, QCPItemEllipse, QCPItemBracket,
                     QCPItemTracer>(item, style);
        if (auto* tracer = qobject_cast<QCPItemTracer*>(item))
            tracer->setSize(scaledWidth(tracer, "ddpmTracerSize", tracer->size(), scale));
        else if (auto* text = qobject_cast<QCPItemText*>(item))
            text->setColor(drawnColour(text, "ddpmTextColour", text->color(), style.background));
    }
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            const auto scaleAxisPen = [axis, scale](QPen (QCPAxis::*get)() const, void (QCPAxis::*set)(const QPen&),
                                                    const char* slot) {
                QPen pen = (axis->*get)();
                pen.setWidthF(scaledWidth(axis, slot, pen.widthF(), scale));
                (axis->*set)(pen);
            };
            scaleAxisPen(&QCPAxis::basePen, &QCPAxis::setBasePen, "ddpmBasePen");
            scaleAxisPen(&QCPAxis::tickPen, &QCPAxis::setTickPen, "ddpmTickPen");
            scaleAxisPen(&QCPAxis::subTickPen, &QCPAxis::setSubTickPen, "ddpmSubTickPen");
        }
    }
}

/// Paint buffers at the device pixel ratio of the screen the plot is on now (QCustomPlot
/// takes the ratio once, when it is made).
void followDevicePixelRatio(QCustomPlot* plot)
{
    const double ratio = plot->devicePixelRatioF();
    if (ratio > 0.0 && !qFuzzyCompare(ratio, plot->bufferDevicePixelRatio()))
        plot->setBufferDevicePixelRatio(ratio);
}

/// Restyles one plot when the application font changes, scales its lines before each replot,
/// and after each layout fits its ticks and passes a new minimum height on.
class StyleFollower : public QObject {
public:
    explicit StyleFollower(QCustomPlot* plot)
        : QObject(plot)
    {
        setObjectName(kStyleFollowerName);
        plot->installEventFilter(this);
        connect(plot, &QCustomPlot::beforeReplot, this, [plot] {
            followDevicePixelRatio(plot);
            applyPaletteColours(plot);
            scaleLines(plot);
        });
        connect(plot, &QCustomPlot::afterLayout, this, [this, plot] {
            fitTicksAfterLayout(plot);
            passMinimumHeightOn(plot);
        });
    }

    /// QCustomPlot's size hints are its own layout's minimum (titles, axes and legend in their
    /// fonts), which it works out as it lays itself out, but it never tells the widget layout
    /// around it that they changed: that layout kept the old ones, and squeezed the plot below
    /// what a new font, a title wrapped to more lines or more legend rows need. Only the height
    /// is passed on: it follows from the width the layout gives, never the other way round,
    /// so this settles after one more layout.
    void passMinimumHeightOn(QCustomPlot* plot)
    {
        const int height = static_cast<const QWidget*>(plot)->minimumSizeHint().height(); // protected in QCustomPlot
        if (height != m_minimumHeight) {
            m_minimumHeight = height;
            plot->updateGeometry();
        }
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::FontChange || event->type() == QEvent::ApplicationFontChange) {
            auto* plot = static_cast<QCustomPlot*>(watched);
            applyApplicationFont(plot);
            if (plot->property(kMaxColumnsProperty).isValid()) {
                const double scale = plotLineScale();
                plot->legend->setIconSize(int(kLegendIconWidth * scale), int(kLegendIconHeight * scale));
                fitLegendColumns(plot); // replots
            } else {
                plot->replot(QCustomPlot::rpQueuedReplot);
            }
        } else if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange
                   || event->type() == QEvent::ScreenChangeInternal) {
            // Colours and the device pixel ratio are applied before every replot.
            static_cast<QCustomPlot*>(watched)->replot(QCustomPlot::rpQueuedReplot);
        }
        return QObject::eventFilter(watched, event);
    }

private:
    int m_minimumHeight = -1; ///< the plot's minimum height at its last layout
};

/// Styles every plot the application polishes (shows for the first time).
class EveryPlotStyler : public QObject {
public:
    explicit EveryPlotStyler(QObject* owner)
        : QObject(owner)
    {
        setObjectName(kEveryPlotStylerName);
        qApp->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Polish)
            if (auto* plot = qobject_cast<QCustomPlot*>(watched))
                if (!hasHelper(plot, kStyleFollowerName)) {
                    applyApplicationFont(plot);
                    plot->replot(QCustomPlot::rpQueuedReplot);
                }
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void followApplicationStyle(QCustomPlot* plot)
{
    if (!hasHelper(plot, kStyleFollowerName))
        new StyleFollower(plot);
}

void followApplicationStyleEverywhere(QObject* owner)
{
    if (hasHelper(owner, kEveryPlotStylerName))
        return;
    new EveryPlotStyler(owner);
    const QWidgetList widgets = QApplication::allWidgets();
    for (QWidget* widget : widgets)
        if (auto* plot = qobject_cast<QCustomPlot*>(widget))
            applyApplicationFont(plot);
}

// ---- colours follow the palette ----------------------------------------------------------

namespace {

/// `a` moved towards `b` by `weight` (0: a, 1: b).
QColor mixed(const QColor& a, const QColor& b, double weight)
{
    const auto channel = [weight](double x, double y) { return x + (y - x) * weight; };
    return QColor::fromRgbF(float(channel(a.redF(), b.redF())), float(channel(a.greenF(), b.greenF())),
                            float(channel(a.blueF(), b.blueF())));
}

/// WCAG's relative luminance of an sRGB colour (alpha ignored).
double luminance(const QColor& colour)
{
    const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPen withColour(QPen pen, const QColor& colour)
{
    pen.setColor(colour);
    return pen;
}

/// An axis (of an axis rect or a colour scale) in the frame colours.
void colourAxis(QCPAxis* axis, const QColor& text, const QColor& grid, const QColor& subGrid, const QColor& zero)
{
    axis->setBasePen(withColour(axis->basePen(), text));
    axis->setTickPen(withColour(axis->tickPen(), text));
    axis->setSubTickPen(withColour(axis->subTickPen(), text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    if (QCPGrid* lines = axis->grid()) {
        lines->setPen(withColour(lines->pen(), grid));
        lines->setSubGridPen(withColour(lines->subGridPen(), subGrid));
        lines->setZeroLinePen(withColour(lines->zeroLinePen(), zero));
    }
}

} // namespace

QColor plotDataColour(const QColor& colour, const QColor& background)
{
    if (!colour.isValid() || !isDark(background) || contrast(colour, background) >= 2.5)
        return colour;
    float hue = 0, saturation = 0, lightness = 0, alpha = 0;
    colour.getHslF(&hue, &saturation, &lightness, &alpha);
    return QColor::fromHslF(hue, saturation, 1.0f - lightness, alpha).toRgb();
}

void applyPaletteColours(QCustomPlot* plot)
{
    const QPalette palette = plot->palette();
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const QColor grid = mixed(base, text, 0.2);
    const QColor subGrid = mixed(base, text, 0.1);
    const QColor zero = mixed(base, text, 0.35);
    plot->setBackground(QBrush(base));
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            colourAxis(axis, text, grid, subGrid, zero);
    const QList<QCPLayoutElement*> elements = plot->plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* title = qobject_cast<QCPTextElement*>(element))
            title->setTextColor(text);
        else if (auto* scale = qobject_cast<QCPColorScale*>(element))
            colourAxis(scale->axis(), text, grid, subGrid, zero);
    }
    QCPLegend* legend = plot->legend;
    if (!plot->property(kMaxColumnsProperty).isValid()) { // a legend over the data: on the background
        QColor fill = base;
        fill.setAlpha(220);
        legend->setBrush(fill);
        legend->setBorderPen(withColour(legend->borderPen(), mixed(base, text, 0.35)));
    }
    legend->setTextColor(text);
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            item->setTextColor(text);
}

// ---- the legend ---------------------------------------------------------------------------

namespace {

/// Refits the legend's columns whenever the plot it watches is resized.
class LegendFitter : public QObject {
public:
    explicit LegendFitter(QCustomPlot* plot)
        : QObject(plot)
    {
        setObjectName(kLegendFitterName);
        plot->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Resize)
            fitLegendColumns(static_cast<QCustomPlot*>(watched));
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void placeLegendBelow(QCustomPlot* plot, int maxColumns)
{
    QCPLegend* legend = plot->legend;
    for (QCPAxisRect* rect : plot->axisRects())
        rect->insetLayout()->take(legend);
    QCPLayoutGrid* layout = plot->plotLayout();
    if (!layout->hasElement(layout->rowCount() - 1, 0) || layout->element(layout->rowCount() - 1, 0) != legend) {
        layout->insertRow(layout->rowCount());
        layout->addElement(layout->rowCount() - 1, 0, legend);
    }
    layout->setRowStretchFactor(layout->rowCount() - 1, 0.001);
    layout->setRowSpacing(2);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(4, 0, 4, 2));
    const double scale = plotLineScale();
    legend->setIconSize(int(kLegendIconWidth * scale), int(kLegendIconHeight * scale));
    legend->setIconTextPadding(4);
    legend->setColumnSpacing(8);
    legend->setRowSpacing(0);
    legend->setVisible(true);
    plot->setProperty(kMaxColumnsProperty, std::max(1, maxColumns));
    followApplicationStyle(plot);
    if (!hasHelper(plot, kLegendFitterName))
        new LegendFitter(plot);
    fitLegendColumns(plot);
}

void fitLegendColumns(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    const int maxColumns = std::max(1, plot->property(kMaxColumnsProperty).toInt());
    // Room under each entry's text for what hangs below the line ("_", "‖"): an entry clips
    // its drawing to its cell, which is otherwise exactly one line high.
    const int below = std::max(2, QFontMetrics(legend->font()).descent() / 2);
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            item->setMargins(QMargins(0, 0, 0, below));
    for (int columns = maxColumns; columns >= 1; --columns) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLegend::foColumnsFirst, true);
        if (columns == 1 || legend->minimumOuterSizeHint().width() <= plot->width())
            break;
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ddpm::ui
