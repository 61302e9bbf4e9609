#include "widgets/demo_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ddpm/strip.h"
#include "image_convert.h"
#include "chain_images.h"
#include "widgets/export.h"
#include "widgets/image_view.h"
#include "widgets/plot.h"
#include "widgets/rate_distortion_plot.h"

namespace ddpm::ui {

namespace {
constexpr int kSliderSteps = 1000;
enum Page { kPlaceholder, kFigure, kSides, kRate };
} // namespace

DemoView::DemoView(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("demoTitle"));
    m_title->setWordWrap(true);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    top->addWidget(m_title, 1);
    m_fit = new QPushButton(tr("Fit"), this);
    m_fit->setObjectName(QStringLiteral("fitDemo"));
    m_fit->setCheckable(true);
    m_fit->setToolTip(tr("Shrink the whole figure into the tab. Off: the figure at full size at least, so its "
                         "t and λ labels can be read; scroll where it does not fit"));
    m_fit->setVisible(false);
    connect(m_fit, &QPushButton::toggled, this, &DemoView::updateFigureSize);
    top->addWidget(m_fit);
    m_export = new QPushButton(tr("Export PNG…"), this);
    m_export->setObjectName(QStringLiteral("exportDemo"));
    m_export->setToolTip(tr("Save the demonstration as a PNG with its settings under it"));
    m_export->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, &DemoView::exportAsk);
    top->addWidget(m_export);
    layout->addLayout(top);

    m_stack = new QStackedWidget(this);
    m_placeholder = new QLabel(tr("Press a button under <b>Demonstrations</b> on the left: the same x<sub>T</sub> "
                                  "through two sampler settings, or one of the paper's figures on the current model."),
                               this);
    m_placeholder->setWordWrap(true);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_stack->addWidget(m_placeholder);
    m_figure = new ImageView(QString(), this);
    m_figure->setObjectName(QStringLiteral("demoFigure"));
    auto* figureScroll = new QScrollArea(this);
    figureScroll->setObjectName(QStringLiteral("demoFigureScroll"));
    figureScroll->setWidget(m_figure);
    figureScroll->setWidgetResizable(true); // fills the tab; its minimum size (updateFigureSize) scrolls
    figureScroll->setFrameShape(QFrame::NoFrame);
    m_stack->addWidget(figureScroll);

    auto* sides = new QWidget(this);
    auto* sidesLayout = new QVBoxLayout(sides);
    sidesLayout->setContentsMargins(0, 0, 0, 0);
    auto* pictures = new QHBoxLayout;
    m_left = new ImageView(QString(), sides);
    m_left->setObjectName(QStringLiteral("demoLeft"));
    m_right = new ImageView(QString(), sides);
    m_right->setObjectName(QStringLiteral("demoRight"));
    pictures->addWidget(m_left, 1);
    pictures->addWidget(m_right, 1);
    sidesLayout->addLayout(pictures, 1);
    auto* sliderRow = new QHBoxLayout;
    sliderRow->addWidget(new QLabel(tr("Chain:"), sides));
    m_fraction = new QSlider(Qt::Horizontal, sides);
    m_fraction->setObjectName(QStringLiteral("demoFraction"));
    m_fraction->setRange(0, kSliderSteps);
    m_fraction->setValue(kSliderSteps);
    m_fraction->setToolTip(tr("The same fraction of both chains, from x_T (left) to the final samples (right); the "
                              "chain scrubber above moves it too"));
    connect(m_fraction, &QSlider::valueChanged, this, &DemoView::showSides);
    sliderRow->addWidget(m_fraction, 1);
    m_fractionText = new QLabel(sides);
    m_fractionText->setMinimumWidth(m_fractionText->fontMetrics().horizontalAdvance(QStringLiteral("100 %  ")));
    sliderRow->addWidget(m_fractionText);
    sidesLayout->addLayout(sliderRow);
    m_stack->addWidget(sides);

    m_rate = new RateDistortionPlot(this);
    m_stack->addWidget(m_rate);
    layout->addWidget(m_stack, 1);
}

void DemoView::setPlaceholder(const QString& text)
{
    if (m_has)
        return; // the last result stays visible; the page's progress bar says what runs
    m_placeholder->setText(text);
    m_stack->setCurrentIndex(kPlaceholder);
}

void DemoView::showResult(const DemoResult& result)
{
    m_result = result;
    m_has = true;
    m_title->setText(QStringLiteral("<b>%1</b>").arg(result.title.toHtmlEscaped()));
    m_title->setToolTip(result.caption);
    m_export->setEnabled(true);
    switch (result.kind) {
    case DemoKind::SideBySide:
        m_left->setCaption(result.left.title);
        m_right->setCaption(result.right.title);
        m_stack->setCurrentIndex(kSides);
        showSides();
        break;
    case DemoKind::RateDistortion:
        m_rate->setPoints(result.rate);
        m_stack->setCurrentIndex(kRate);
        break;
    default:
        m_figure->setImage(toQImage(result.figure));
        m_stack->setCurrentIndex(kFigure);
        break;
    }
    m_fit->setVisible(m_stack->currentIndex() == kFigure);
    updateFigureSize();
}

void DemoView::setFitWhole(bool fit)
{
    m_fit->setChecked(fit); // toggled: updateFigureSize
}

bool DemoView::fitsWhole() const
{
    return m_fit->isChecked();
}

void DemoView::updateFigureSize()
{
    const QImage& image = m_figure->image();
    if (m_fit->isChecked() || image.isNull()) {
        m_figure->setMinimumSize(0, 0);
        return;
    }
    // One image pixel to one device pixel at least, plus the view's frame of 3 px a side.
    const int width = static_cast<int>(std::ceil(image.width() / m_figure->devicePixelRatioF())) + 6;
    m_figure->setMinimumSize(width, m_figure->heightForWidth(width));
}

void DemoView::setFraction(double fraction)
{
    m_fraction->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * kSliderSteps)));
}

double DemoView::fraction() const
{
    return double(m_fraction->value()) / kSliderSteps;
}

void DemoView::showSides()
{
    if (!m_has || m_result.kind != DemoKind::SideBySide)
        return;
    const double f = fraction();
    for (auto [side, view] : {std::pair{&m_result.left, m_left}, std::pair{&m_result.right, m_right}}) {
        const int i = side->indexAt(f);
        if (i < 0)
            continue;
        view->setImage(toQImage(side->pictures[static_cast<size_t>(i)]));
        const int t = side->ts[i];
        view->setCaption(side->title + (t == 0 ? tr(": the samples x₀") : tr(": xₜ at t = %1").arg(t)));
    }
    m_fractionText->setText(tr("%1 %").arg(std::lround(f * 100)));
}

QImage DemoView::leftImage() const
{
    return m_has && m_result.kind == DemoKind::SideBySide ? m_left->image() : QImage();
}

QImage DemoView::rightImage() const
{
    return m_has && m_result.kind == DemoKind::SideBySide ? m_right->image() : QImage();
}

QImage DemoView::figureImage() const
{
    return m_has && m_result.kind != DemoKind::SideBySide && m_result.kind != DemoKind::RateDistortion
        ? m_figure->image()
        : QImage();
}

bool DemoView::exportPng(const QString& path)
{
    if (!m_has)
        return false;
    if (m_result.kind == DemoKind::RateDistortion) {
        for (QCustomPlot* plot : {m_rate->ratePlot(), m_rate->timePlot()})
            plot->replot(QCustomPlot::rpImmediateRefresh);
        return saveWidgetPng(this, m_rate, path, m_result.caption);
    }
    ddpm::Image picture = m_result.figure;
    QString caption = m_result.caption;
    if (m_result.kind == DemoKind::SideBySide) {
        const int i = m_result.left.indexAt(fraction());
        const int j = m_result.right.indexAt(fraction());
        if (i < 0 || j < 0)
            return false;
        const auto label = [](const SideChain& side, int k) {
            const int t = side.ts[k];
            return (side.title + (t == 0 ? QStringLiteral(": x0") : QStringLiteral(": x_t, t = %1").arg(t))).toStdString();
        };
        picture = ddpm::composeStrip({m_result.left.pictures[static_cast<size_t>(i)],
                                      m_result.right.pictures[static_cast<size_t>(j)]},
                                     {label(m_result.left, i), label(m_result.right, j)});
    }
    return saveImagePng(this, toQImage(paddedToWidth(picture, 560)), path, caption);
}

void DemoView::exportAsk()
{
    const QString path = askSavePath(this, tr("Export demonstration"), QStringLiteral("demonstration.png"),
                                     tr("PNG image (*.png)"));
    if (!path.isEmpty())
        exportPng(path);
}

} // namespace ddpm::ui
