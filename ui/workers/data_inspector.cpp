#include <ATen/ATen.h>

#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "ddpm/model_config.h"
#include "ddpm/parameterization.h"
#include "ddpm/sample_grid.h"

#include "workers/data_inspector.h"

#include "image_convert.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

DataInspector::DataInspector(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<ddpm::ui::DataInspection>();
}

void DataInspector::inspect(quint64 id, const QString& dataSpec, int imageSize, const QString& preset,
                            const QString& variance)
{
    m_latest.store(id);
    QMetaObject::invokeMethod(
        this, [=] { run(id, dataSpec, imageSize, preset, variance); }, Qt::QueuedConnection);
}

void DataInspector::run(quint64 id, const QString& dataSpec, int imageSize, const QString& preset, const QString& variance)
{
    if (id < m_latest.load())
        return; // a newer request is queued
    const QString key = dataSpec + QLatin1Char('@') + QString::number(imageSize);
    if (key != m_dataKey) {
        m_data = DataInspection();
        m_shape.clear();
        m_data.dataSpec = dataSpec;
        try {
            const ddpm::DataSpec spec = ddpm::DataSpec::parse(dataSpec.toStdString());
            ddpm::DataLoadOptions options;
            options.limit = spec.isImages() ? 16 : 2000;
            options.size = spec.isImages() ? imageSize : 0;
            const at::Tensor items = ddpm::loadData(spec, options);
            for (std::int64_t d : items.sizes().slice(1))
                m_shape.push_back(d);
            if (spec.isImages()) {
                m_data.grid = toQImage(ddpm::sampleGrid(items, 192));
                m_data.shape = tr("%1 × %2 × %3").arg(m_shape[0]).arg(m_shape[1]).arg(m_shape[2]);
            } else {
                const at::Tensor p = items.to(at::kDouble).contiguous();
                const double* v = p.data_ptr<double>();
                for (std::int64_t i = 0; i < p.size(0); ++i) {
                    m_data.x.push_back(v[2 * i]);
                    m_data.y.push_back(v[2 * i + 1]);
                }
                m_data.shape = tr("2-D points");
            }
        } catch (...) {
            m_data.dataError = currentErrorText(tr("The data does not load"));
        }
        m_dataKey = key;
    }
    DataInspection result = m_data;
    result.id = id;
    if (result.dataError.isEmpty()) {
        try {
            const bool images = m_shape.size() == 3;
            ddpm::Parameterization param;
            param.variance = ddpm::parseVarianceKind(variance.toStdString());
            const int channels = static_cast<int>(m_shape[0]);
            if (images && m_shape[1] != m_shape[2])
                throw ddpm::Error("the UNet needs square images: set an Image size");
            const ddpm::ModelConfig config = ddpm::modelPreset(
                images ? ddpm::ModelConfig::Kind::UNet : ddpm::ModelConfig::Kind::MLP, preset.toStdString(), channels,
                images ? static_cast<int>(m_shape[1]) : 0, param.outputChannels(channels));
            const std::string json = config.toJson();
            auto it = m_counts.find(json);
            if (it == m_counts.end())
                it = m_counts.emplace(json, ddpm::parameterCount(config)).first;
            result.parameters = it->second;
        } catch (...) {
            result.presetError = currentErrorText(QString());
        }
    }
    Q_EMIT inspected(result);
}

} // namespace ddpm::ui
