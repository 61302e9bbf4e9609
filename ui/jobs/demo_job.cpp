#include "jobs/demo_job.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace ddpm::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("ddpm::ui::DemoJob", text); }
} // namespace

std::pair<SamplingSettings, SamplingSettings> comparedSettings(const SamplingSettings& page, Comparison comparison)
{
    SamplingSettings a = page;
    SamplingSettings b = page;
    switch (comparison) {
    case Comparison::Sampler:
        b.sampler = a.sampler == QStringLiteral("ddim") ? QStringLiteral("ddpm") : QStringLiteral("ddim");
        break;
    case Comparison::Steps:
        b.spacing = a.spacing.trimmed().isEmpty() ? QStringLiteral("50") : QString();
        break;
    case Comparison::Variance:
        a.sampler = b.sampler = QStringLiteral("ddpm");
        if (a.variance.isEmpty())
            a.variance = QStringLiteral("small");
        b = a;
        b.variance = a.variance == QStringLiteral("large") ? QStringLiteral("small") : QStringLiteral("large");
        break;
    }
    return {a, b};
}

QString comparisonTitle(const SamplingSettings& s, Comparison comparison)
{
    switch (comparison) {
    case Comparison::Sampler:
        return s.sampler == QStringLiteral("ddim") ? tr("DDIM, eta %1").arg(s.eta) : tr("DDPM");
    case Comparison::Steps:
        return s.spacing.trimmed().isEmpty() ? tr("all steps") : tr("steps: %1").arg(s.spacing.trimmed());
    case Comparison::Variance:
        return tr("%1 variance").arg(s.variance);
    }
    return {};
}

SamplingSettings sharingXtSettings(const SamplingSettings& page)
{
    SamplingSettings s = page;
    s.sampler = QStringLiteral("ddpm");
    s.eta = 0.0; // DDPM's; unused
    return s;
}

QString sharingXtSamplerText(const SamplingSettings& page)
{
    const QString text = tr("DDPM ancestral steps, as in the paper");
    if (page.sampler != QStringLiteral("ddim"))
        return text;
    if (page.eta == 0.0)
        return text + tr(" (not the page's DDIM, eta 0: it adds no noise, so every chain from one x_t would end "
                         "in the same sample)");
    return text + tr(" (not the page's DDIM, eta %1)").arg(page.eta);
}

int SideChain::indexAt(double fraction) const
{
    if (pictures.empty())
        return -1;
    const int last = static_cast<int>(pictures.size()) - 1;
    return std::clamp(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * last)), 0, last);
}

QString demoName(DemoKind kind)
{
    switch (kind) {
    case DemoKind::SideBySide: return tr("Side by side");
    case DemoKind::Progressive: return tr("Fig. 6: progressive generation");
    case DemoKind::SharingXt: return tr("Fig. 7: samples sharing xₜ");
    case DemoKind::Interpolation: return tr("Fig. 8: interpolation through xₜ");
    case DemoKind::RateDistortion: return tr("Fig. 5: rate–distortion");
    }
    return {};
}

} // namespace ddpm::ui
